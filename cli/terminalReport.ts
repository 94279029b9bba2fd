/** The short, readable report `amlmon diagnose` prints for a person at a terminal. Colour only on a TTY. */
import { styleText } from 'node:util';
import type { Diagnosis, Status } from '../shared/diagnosis/types.js';
import { codeParts, plainCode } from '../shared/report/code.js';
import { formatDuration, formatTime, spanMs } from '../shared/report/format.js';
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

/** Where the diagnosis came from: the bundle's meta.json (or the live capture), for the header and times. */
export interface TerminalContext {
  workspace?: string;
  /** RFC 3339: "now" of the snapshot; times are shown relative to it. */
  capturedAt?: string;
  width?: number;
}

/**
 * Word-wraps rule text for a terminal. A backtick code span (a command, a file name) is one unbreakable unit shown
 * without its backticks (highlighted on a TTY), so a command is never split across lines and copies as written.
 */
function wrap(text: string, width: number, indent: string, paintCode: (code: string) => string): string {
  // Spaces inside a code span become NUL for the split, so the span is one word (with any punctuation next to it).
  const held = codeParts(text)
    .map((p) => (p.code ? `\`${p.text.replace(/\s/g, '\0')}\`` : p.text))
    .join('');
  const words = held
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const parts = codeParts(word);
      const restore = (t: string): string => t.replace(/\0/g, ' ');
      return {
        plain: restore(parts.map((p) => p.text).join('')),
        shown: restore(parts.map((p) => (p.code ? paintCode(p.text) : p.text)).join('')),
      };
    });
  const lines: string[] = [];
  let plain = '';
  let shown = '';
  for (const w of words) {
    if (plain && plain.length + 1 + w.plain.length > width) {
      lines.push(shown);
      plain = w.plain;
      shown = w.shown;
    } else {
      plain = plain ? `${plain} ${w.plain}` : w.plain;
      shown = shown ? `${shown} ${w.shown}` : w.shown;
    }
  }
  if (shown) lines.push(shown);
  return lines.map((l) => indent + l).join('\n');
}

/** "2024-05-14 10:22 UTC" plus how far it lies before (`past`) or after (`future`) the capture time. */
function when(
  iso: string,
  capturedAt: string | undefined,
  past: (span: string) => string,
  future: (span: string) => string,
): string {
  const shown = formatTime(iso);
  const ms = capturedAt ? spanMs(iso, capturedAt) : NaN;
  if (!Number.isFinite(ms)) return shown;
  return `${shown}, ${ms >= 0 ? past(formatDuration(ms)) : future(formatDuration(-ms))}`;
}

export function renderTerminalReport(
  input: Diagnosis,
  color: boolean,
  context: TerminalContext = {},
): string {
  const width = context.width ?? 100;
  // Text from a cluster must neither leak a secret nor drive the reader's terminal (OSC, CSI).
  const d = redactForTerminal(input);
  const paint = (style: Style, text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const code = (text: string) => paint('cyan', text);
  const where = [
    d.namespace || 'namespace unknown',
    context.workspace ? `workspace ${context.workspace}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const out: string[] = [];
  out.push(
    `${paint('bold', d.service)} ${paint('gray', `(${where})`)}  ${paint(STATUS_STYLE[d.status], d.status)}`,
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
    const label = root.detail ? `${root.code}/${root.detail}` : root.code;
    out.push('');
    out.push(`${paint('bold', 'Root cause')}  ${paint(['bold', 'red'], label)}`);
    out.push(wrap(root.title, width, '  ', code));
    const facts = [
      root.since
        ? `failing since ${when(
            root.since,
            context.capturedAt,
            (s) => `for ${s}`,
            (s) => `${s} after the capture`,
          )} (first signal)`
        : '',
      d.amlState ? `Azure ML state ${d.amlState}` : '',
      d.deadline
        ? `Azure ML gives up at ~${when(
            d.deadline,
            context.capturedAt,
            (s) => `${s} before the capture`,
            (s) => `in ${s}`,
          )}`
        : '',
      root.amlCode ? `Azure ML code ${root.amlCode}` : '',
    ].filter(Boolean);
    if (facts.length) out.push(`  ${paint('gray', facts.join('; '))}`);
    out.push('');
    out.push(wrap(root.explanation, width, '  ', code));
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
      root.remedy.forEach((r, i) =>
        out.push(wrap(r, width - 5, '     ', code).replace(/^ {5}/, `  ${i + 1}. `)),
      );
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
    for (const f of independent)
      out.push(`  - ${f.detail ? `${f.code}/${f.detail}` : f.code}: ${plainCode(f.title)}`);
  }
  if (d.gaps.length) {
    out.push('');
    out.push(paint('bold', 'Could not check'));
    for (const g of d.gaps) out.push(`  - ${g}`);
  }
  return out.join('\n') + '\n';
}
