/** The short, readable report `amlmon diagnose` prints for a person at a terminal. Colour only on a TTY. */
import { styleText } from 'node:util';
import type { Diagnosis, Status } from '../shared/diagnosis/types.js';
import { redactForTerminal } from '../shared/text/redact.js';

type Style = Parameters<typeof styleText>[0];

const STATUS_STYLE: Record<Status, Style> = {
  Failed: ['red', 'bold'],
  Hung: ['magenta', 'bold'],
  Degraded: ['yellow', 'bold'],
  Progressing: ['cyan'],
  Healthy: ['green', 'bold'],
  Unknown: ['gray', 'bold'],
};

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

export function renderTerminalReport(input: Diagnosis, color: boolean, width = 100): string {
  // Text from a cluster must neither leak a secret nor drive the reader's terminal (OSC, CSI).
  const d = redactForTerminal(input);
  const paint = (style: Style, text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const out: string[] = [];
  out.push(
    `${paint('bold', d.service)} ${paint('gray', `(${d.namespace || 'namespace unknown'})`)}  ${paint(STATUS_STYLE[d.status], d.status)}`,
  );
  const [root, ...rest] = d.findings;
  if (!root) {
    out.push(
      d.status === 'Healthy'
        ? '  All replicas ready; nothing wrong found.'
        : d.status === 'Progressing'
          ? '  Still inside the normal start-up window; no failure found yet.'
          : '  No cause found.',
    );
  } else {
    const code = root.detail ? `${root.code}/${root.detail}` : root.code;
    out.push('');
    out.push(`${paint('bold', 'Root cause')}  ${paint(['bold', 'red'], code)}`);
    out.push(wrap(root.title, width, '  '));
    const facts = [
      root.since ? `failing since ${root.since} (first signal)` : '',
      d.amlState ? `Azure ML state ${d.amlState}` : '',
      d.deadline ? `Azure ML gives up at ~${d.deadline}` : '',
      root.amlCode ? `Azure ML code ${root.amlCode}` : '',
    ].filter(Boolean);
    if (facts.length) out.push(`  ${paint('gray', facts.join('; '))}`);
    out.push('');
    out.push(wrap(root.explanation, width, '  '));
    if (root.commands?.length) {
      out.push('');
      out.push(paint('bold', 'Confirm it'));
      // Whole lines, never wrapped: they are pasted into a shell.
      for (const c of root.commands) out.push(`  $ ${c}`);
    }
    if (d.changes?.length) {
      out.push('');
      out.push(paint('bold', 'Changed since the last ready revision'));
      for (const c of d.changes) out.push(`  - ${c.field}: ${c.before} -> ${c.after}`);
    }
    if (root.evidence.length) {
      out.push('');
      out.push(paint('bold', 'Evidence'));
      for (const e of root.evidence) {
        out.push(`  ${paint('gray', e.source)}`);
        out.push(`    ${paint('yellow', e.text)}`);
      }
    }
    if (root.remedy.length) {
      out.push('');
      out.push(paint('bold', 'Fix'));
      root.remedy.forEach((r, i) => out.push(wrap(r, width - 5, '     ').replace(/^ {5}/, `  ${i + 1}. `)));
    }
    if (root.docs.length) {
      out.push('');
      out.push(`${paint('bold', 'Docs')}  ${root.docs.join('  ')}`);
    }
  }
  // A crash loop or hang behind a known root cause only restates it (it stays in --json).
  const independent = rest.filter(
    (f) => !(root && f.code !== root.code && (f.code === 'CrashLoopBackOff' || f.code === 'DeploymentHung')),
  );
  if (independent.length) {
    out.push('');
    out.push(paint('bold', 'Also found'));
    for (const f of independent) out.push(`  - ${f.detail ? `${f.code}/${f.detail}` : f.code}: ${f.title}`);
  }
  if (d.gaps.length) {
    out.push('');
    out.push(paint('bold', 'Could not check'));
    for (const g of d.gaps) out.push(`  - ${g}`);
  }
  return out.join('\n') + '\n';
}
