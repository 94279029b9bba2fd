/**
 * Long unbroken tokens in a Teams card (blob paths, image names with digests, resource ids): a RichTextBlock and a
 * FactSet value wrap only at spaces and hyphens, so such a token ran past the card's edge and was cut off in
 * Chromium with the Adaptive Cards renderer. The card JSON puts every such text in a wrapping TextBlock; Chromium
 * confirms nothing reaches past the card.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentRecord, Notification } from '../../shared/incidents/types.js';
import type { CardElement, TeamsMessage } from '../../shared/report/cardTypes.js';
import { renderTeamsCard } from '../../shared/report/index.js';
import { hasLongToken, LONG_TOKEN_CHARS } from '../../shared/report/teams.js';
import { alertSingle, baseContext } from '../../sim/samples.js';
import { cardPageHtml, chromiumAvailable, launchChromium } from '../support/browser.js';
import { errorsOf, validateCard } from './validate.js';

const BLOB =
  'azureml-blobstore-0a1b2c3d4e5f/azureml/ImageLogs/2f7c9e1a4b3d4c8e9a6f1d2e3f4a5b6c/builds/0123456789abcdef0123456789abcdef/build.log';
const RID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rgmlprod/providers/Microsoft.MachineLearningServices/workspaces/wsprod/onlineEndpoints/ep/deployments/blue';
const IMAGE = `myregistry0123456789.azurecr.io/azureml/azureml_0123456789abcdef0123456789abcdef@sha256:${'a'.repeat(64)}`;

function longTokenAlert(): Notification {
  const base = alertSingle.incidents[0] as IncidentRecord;
  const root = base.diagnosis.findings[0]!;
  const incident: IncidentRecord = {
    ...base,
    diagnosis: {
      ...base.diagnosis,
      findings: [
        {
          ...root,
          explanation: `Pulling ${IMAGE} failed; the build log is \`${BLOB}\`.`,
          evidence: [
            { source: BLOB, text: `${RID} ${IMAGE}` },
            { source: 'events', text: `${IMAGE}${BLOB}` },
          ],
          remedy: [`Check \`${RID}\``, `Rebuild ${IMAGE}`],
          commands: [`az ml online-deployment show --id ${RID}`],
        },
      ],
      changes: [{ field: 'image', before: IMAGE, after: `${IMAGE.slice(0, -3)}bbb` }],
    },
  };
  return { ...alertSingle, incidents: [incident] };
}

/** Every text a card shows, with where it sits: TextRuns, TextBlocks (wrap or not) and FactSet values. */
function texts(node: unknown, out: Array<{ where: string; text: string }> = []): typeof out {
  if (Array.isArray(node)) for (const n of node) texts(n, out);
  else if (typeof node === 'object' && node !== null) {
    const e = node as CardElement & { type?: string };
    if (e.type === 'RichTextBlock') for (const r of e.inlines) out.push({ where: 'TextRun', text: r.text });
    else if (e.type === 'TextBlock')
      out.push({ where: e.wrap ? 'TextBlock wrap' : 'TextBlock', text: e.text });
    else if (e.type === 'FactSet') for (const f of e.facts) out.push({ where: 'Fact', text: f.value });
    else for (const v of Object.values(e)) texts(v, out);
  }
  return out;
}

describe('long unbroken tokens in the Teams card', () => {
  const card: TeamsMessage = renderTeamsCard(longTokenAlert(), baseContext);

  it('are only in wrapping TextBlocks, never in a TextRun, a FactSet value or a TextBlock without wrap', () => {
    expect(validateCard(card), errorsOf(validateCard)).toBe(true);
    const all = texts(card);
    const stuck = all.filter((t) => t.where !== 'TextBlock wrap' && hasLongToken(t.text));
    expect(stuck).toEqual([]);
    // And they are shown (escaped for markdown, the same characters on screen), not dropped.
    const wrapped = all
      .filter((t) => t.where === 'TextBlock wrap')
      .map((t) => t.text.replace(/\\(.)/g, '$1'))
      .join('\n');
    for (const token of [BLOB, RID, IMAGE]) expect(wrapped).toContain(token);
    // Code spans in a wrapped line lose their backticks (a TextBlock has no code font for part of a line).
    expect(wrapped).toContain(`Check ${RID}`);
    expect(wrapped).not.toContain('`');
    expect(wrapped).toContain(`image: ${IMAGE} → ${IMAGE.slice(0, -3)}bbb`);
  });

  it('short code stays in TextRuns, exactly as written', () => {
    const runs = texts(renderTeamsCard(alertSingle, baseContext)).filter((t) => t.where === 'TextRun');
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => !hasLongToken(r.text))).toBe(true);
  });

  it('counts a run as breakable at spaces and before letters after a hyphen, not inside a GUID', () => {
    expect(hasLongToken('pod/credit-scorer-7d9c-x2x9q/container/model-mount/log')).toBe(false);
    // No break after a hyphen before a digit: a subscription id is one run.
    expect(hasLongToken('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups')).toBe(true);
    expect(hasLongToken('x'.repeat(LONG_TOKEN_CHARS))).toBe(false);
    expect(hasLongToken(`a ${'x'.repeat(LONG_TOKEN_CHARS + 1)} b`)).toBe(true);
  });
});

describe.skipIf(!chromiumAvailable())('long unbroken tokens rendered in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('nothing in the card reaches past its right edge', async () => {
    const page = await browser.newPage();
    try {
      await page.setContent(await cardPageHtml(renderTeamsCard(longTokenAlert(), baseContext)), {
        waitUntil: 'load',
      });
      const overflowing = (await page.evaluate(`(() => {
        const edge = document.getElementById('card').getBoundingClientRect().right;
        const out = [];
        for (const el of document.querySelectorAll('#card *')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > edge + 0.5) out.push(el.tagName + ': ' + (el.textContent || '').slice(0, 80));
        }
        return out;
      })()`)) as string[];
      expect(overflowing).toEqual([]);
      const shown = String(await page.evaluate('document.body.innerText'));
      expect(shown.replace(/\s+/g, '')).toContain(RID);
    } finally {
      await page.close();
    }
  });
});
