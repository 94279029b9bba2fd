import { describe, expect, test } from 'vitest';
import { CODE_DETAILS } from '../../shared/diagnosis/types.js';
import type { Notification } from '../../shared/incidents/types.js';
import {
  messageBytes,
  renderEmail,
  renderTeamsCard,
  renderWebhook,
  type TeamsMessage,
} from '../../shared/report/index.js';
import { expectGolden } from './golden.js';
import {
  alertGroup,
  alertSingle,
  baseContext,
  digestNotification,
  hugeAlert,
  quietDigestNotification,
  resolvedSingle,
  SAS_SECRET,
} from '../../sim/samples.js';
import { errorsOf, tableShapeProblems, validateCard, validateWebhook } from './validate.js';

const CASES: [string, Notification][] = [
  ['alert-single', alertSingle],
  ['alert-group', alertGroup],
  ['resolved', resolvedSingle],
  ['digest', digestNotification],
  ['digest-quiet', quietDigestNotification],
];

function allText(n: Notification): string {
  const e = renderEmail(n, baseContext);
  return [
    e.subject,
    e.html,
    e.text,
    JSON.stringify(renderTeamsCard(n, baseContext)),
    JSON.stringify(renderWebhook(n, baseContext)),
  ].join('\n');
}

describe.each(CASES)('%s', (name, n) => {
  test('email matches its golden (HTML and text)', () => {
    const e = renderEmail(n, baseContext);
    expectGolden(`${name}.email.html`, e.html);
    expectGolden(`${name}.email.txt`, `Subject: ${e.subject}\n\n${e.text}`);
  });

  test('Teams card matches its golden, validates against Adaptive Card 1.5 and stays under 20 KB', () => {
    const card = renderTeamsCard(n, baseContext);
    expectGolden(`${name}.teams.json`, `${JSON.stringify(card, null, 2)}\n`);
    expect(validateCard(card), errorsOf(validateCard)).toBe(true);
    expect(tableShapeProblems(card)).toEqual([]);
    expect(messageBytes(card)).toBeLessThan(20_000);
  });

  test('webhook payload matches its golden and validates against docs/schema/webhook.schema.json', () => {
    const payload = renderWebhook(n, baseContext);
    expectGolden(`${name}.webhook.json`, `${JSON.stringify(payload, null, 2)}\n`);
    expect(validateWebhook(payload), errorsOf(validateWebhook)).toBe(true);
  });

  test('email HTML is mail-client safe: no scripts, no external images, no stylesheets', () => {
    const { html } = renderEmail(n, baseContext);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img[^>]+src="https?:/i);
    expect(html).not.toMatch(/<link|<style/i);
    expect(html).toMatch(/<table role="presentation"/);
  });
});

describe('untrusted cluster text', () => {
  test('the SAS signature never reaches any channel, the rest of the URL does', () => {
    for (const n of [alertSingle, alertGroup]) {
      const out = allText(n);
      expect(out).not.toContain(SAS_SECRET);
      expect(out).toContain('sig=[REDACTED]');
    }
  });

  test('a <script> pod name is escaped in HTML and never becomes markup', () => {
    const { html } = renderEmail(alertSingle, baseContext);
    expect(html).toContain('credit-scorer-7d9c&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)</script>');
  });

  test('markdown in cluster text is escaped in TextBlocks; evidence goes in TextRuns verbatim', () => {
    const n: Notification = {
      ...alertSingle,
      incidents: [
        {
          ...alertSingle.incidents[0]!,
          service: 'svc_*bold*_[x](https://evil.example)',
        },
      ],
    };
    const card = JSON.stringify(renderTeamsCard(n, baseContext));
    expect(card).toContain('svc\\\\_\\\\*bold\\\\*\\\\_\\\\[x\\\\](https://evil.example)');
    const runs = (renderTeamsCard(alertSingle, baseContext).attachments[0]!.content.body as unknown[])
      .flatMap((e) => JSON.stringify(e))
      .join('');
    expect(runs).toContain('"type":"TextRun","text":"    from sklearn.externals import joblib"');
  });

  test('javascript: links from cluster data are never rendered as links', () => {
    const n: Notification = {
      ...alertSingle,
      incidents: [
        { ...alertSingle.incidents[0]!, portalUrl: 'javascript:alert(1)', evidenceUrl: '/tmp/bundles/x' },
      ],
    };
    const all = allText(n);
    expect(all).not.toContain('href="javascript:');
    expect(JSON.stringify(renderTeamsCard(n, baseContext))).not.toContain('javascript:');
    expect(renderEmail(n, baseContext).html).toContain('/tmp/bundles/x');
  });
});

describe('Teams size budget', () => {
  /** Evidence lines shown: the items of the box after each "Evidence" heading, two per line (source, text). */
  function evidenceRuns(card: TeamsMessage): number {
    let lines = 0;
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) {
        node.forEach((n, i) => {
          const prev = node[i - 1] as { type?: string; text?: string } | undefined;
          const box = n as { type?: string; items?: unknown[] };
          if (prev?.type === 'TextBlock' && prev.text === 'Evidence' && box.type === 'Container')
            lines += (box.items?.length ?? 0) / 2;
          visit(n);
        });
      } else if (typeof node === 'object' && node !== null) Object.values(node).forEach(visit);
    };
    visit(card);
    return lines;
  }

  test('a card with 200 long evidence lines is cut to whole lines with a visible note and a link', () => {
    const card = renderTeamsCard(hugeAlert, {
      ...baseContext,
      maxCardBytes: 8_000,
      evidenceStorageAccountId:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/evidence',
    });
    expect(messageBytes(card)).toBeLessThanOrEqual(8_000);
    expect(validateCard(card), errorsOf(validateCard)).toBe(true);
    const json = JSON.stringify(card);
    expect(json).toMatch(/Shortened to fit Teams: credit-scorer: \d+ of 200 evidence lines shown/);
    expect(card.attachments[0]!.content.actions?.map((a) => a.title)).toContain('Evidence bundle');
    // Every shown evidence line is complete (clipped lines end with the visible marker, never mid-JSON).
    for (const m of json.matchAll(/"text":"(line \d+: [^"]*)"/g)) {
      const line = m[1]!;
      expect(line.endsWith('… ') || line.endsWith('…') || line.endsWith('.py ')).toBe(true);
    }
    expect(evidenceRuns(card)).toBeGreaterThan(0);
  });

  test('the default budget keeps more evidence than a tight one, and both say what they left out', () => {
    const roomy = renderTeamsCard(hugeAlert, baseContext);
    const tight = renderTeamsCard(hugeAlert, { ...baseContext, maxCardBytes: 6_000 });
    expect(evidenceRuns(roomy)).toBeGreaterThan(evidenceRuns(tight));
    expect(messageBytes(tight)).toBeLessThanOrEqual(6_000);
    expect(JSON.stringify(roomy)).toContain('evidence lines shown');
  });

  test('a budget too small for any card is a clear error, not a broken card', () => {
    expect(() => renderTeamsCard(alertGroup, { ...baseContext, maxCardBytes: 500 })).toThrow(
      /even at its smallest; the budget is 500/,
    );
  });
});

describe('webhook schema', () => {
  test('lists exactly the codes of the contract', () => {
    const payload = renderWebhook(alertSingle, baseContext);
    expect(validateWebhook({ ...payload, incidents: [{ ...payload.incidents[0], code: 'NotACode' }] })).toBe(
      false,
    );
    for (const code of Object.keys(CODE_DETAILS)) {
      const ok = validateWebhook({
        ...payload,
        incidents: [{ ...payload.incidents[0], code, detail: null }],
      });
      expect(ok, `${code}: ${errorsOf(validateWebhook)}`).toBe(true);
    }
  });

  test('rejects a payload missing its version', () => {
    const { schemaVersion: _v, ...rest } = renderWebhook(alertSingle, baseContext);
    expect(validateWebhook(rest)).toBe(false);
  });
});

describe('bad input', () => {
  test('an alert without incidents and a digest without a digest are clear errors', () => {
    const empty: Notification = { id: 'x', kind: 'alert', at: baseContext.now, incidents: [] };
    expect(() => renderEmail(empty, baseContext)).toThrow(/notification x: kind alert without incidents/);
    expect(() => renderTeamsCard({ ...empty, kind: 'digest' }, baseContext)).toThrow(
      /kind digest without a digest/,
    );
    expect(() => renderWebhook({ ...empty, kind: 'digest', digest: { version: 99 } }, baseContext)).toThrow(
      /without a digest/,
    );
  });

  test('an incident from an old or damaged queue message is a specific error, not a TypeError', () => {
    const { diagnosis: _d, ...noDiagnosis } = alertSingle.incidents[0]!;
    const broken = { ...alertSingle, incidents: [noDiagnosis] } as unknown as Notification;
    expect(() => renderEmail(broken, baseContext)).toThrow(
      `incident ${alertSingle.incidents[0]!.fingerprint}: diagnosis is missing or has no findings/gaps arrays`,
    );
    expect(() => renderWebhook(broken, baseContext)).toThrow(/diagnosis is missing/);
    const noService = {
      ...alertSingle,
      incidents: [{ ...alertSingle.incidents[0]!, service: 42 }],
    } as unknown as Notification;
    expect(() => renderTeamsCard(noService, baseContext)).toThrow(/service is missing or not a string/);
  });
});
