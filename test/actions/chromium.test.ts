/**
 * A person's click, in a real browser: the alert card rendered by the official `adaptivecards` renderer in headless
 * Chromium, its "Mute 1 h" button clicked, the confirmation page (served by the real `act` function over loopback
 * HTTP) filled in and submitted, and the mute found in the state.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import azureFunctions from '@azure/functions';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { act } from '../../functions/act.js';
import { setRuntime } from '../../functions/runtime.js';
import { fingerprintKey } from '../../shared/incidents/fingerprint.js';
import { renderTeamsCard } from '../../shared/report/index.js';
import { SILENCE_PARTITION } from '../../shared/silences/types.js';
import { memoryState } from '../../shared/state/store.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import type { MonitorRuntime } from '../../shared/monitor/types.js';
import { MemoryOutbox, noRecheck } from '../../shared/monitor/local.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { cardPageHtml, chromiumAvailable, launchChromium } from '../support/browser.js';
import { alertSingle, baseContext } from '../../sim/samples.js';

const { HttpRequest, InvocationContext } = azureFunctions;

const available = chromiumAvailable();

describe.skipIf(!available)('the Mute action of a rendered card, clicked in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let base = '';
  const state = memoryState();
  const rt: MonitorRuntime = {
    clock: new SimulatedClock('2026-11-26T08:50:00Z'),
    state,
    clusters: [],
    outbox: new MemoryOutbox(),
    recheck: noRecheck,
    imageLogs: { readTail: () => Promise.reject(new Error('unused')) },
    evidence: { archive: () => Promise.reject(new Error('unused')) },
    senders: new Map(),
    diagnose: diagnoseSnapshot,
    options: {
      hangAfterMs: 600_000,
      repeatAfterMs: 14_400_000,
      groupOver: 3,
      imageLogRecheckDelayMs: 0,
      imageLogMaxRechecks: 0,
      imageLogTailBytes: 0,
      workspaces: [],
    },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };

  beforeAll(async () => {
    browser = await launchChromium();
    // The Functions host, reduced to what it does for an HTTP trigger: request in, handler, response out.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const body = Buffer.concat(chunks).toString('utf8');
        const request = new HttpRequest({
          method: req.method ?? 'GET',
          url: `${base}${req.url ?? '/'}`,
          headers,
          ...(body ? { body: { string: body } } : {}),
        });
        const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'act' });
        act(request, context).then(
          (r) => {
            res.writeHead(r.status ?? 200, r.headers as Record<string, string>);
            res.end(String(r.body ?? ''));
          },
          (err: unknown) => {
            res.writeHead(500);
            res.end(String(err));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    rt.interaction = {
      actions: { key: randomBytes(32), baseUrl: base, ttlMs: 86_400_000 },
      trustEasyAuth: false,
    };
    setRuntime(rt);
    const incident = alertSingle.incidents[0];
    if (!incident) throw new Error('sample has no incident');
    const { partition, row } = fingerprintKey(incident.fingerprint);
    await state.incidents.create(partition, row, incident);
  });
  afterAll(async () => {
    setRuntime(undefined);
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  test('renders the action buttons, opens Mute 1 h, submits the reason, records the mute', async () => {
    const card = renderTeamsCard(alertSingle, { ...baseContext, actionLinks: rt.interaction?.actions });
    const html = await cardPageHtml(card);
    // The Teams client opens an Action.OpenUrl in the browser; here the page navigates to it.
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await page.setContent(
        html.replace(
          '</body>',
          '<script>AdaptiveCards.AdaptiveCard.onExecuteAction = (a) => { window.location.href = a.url; };</script></body>',
        ),
        { waitUntil: 'load' },
      );
      const text = String(await page.evaluate('document.body.innerText'));
      for (const title of ['Acknowledge', 'Mute 1 h', 'Mute 1 day', 'Mute until resolved'])
        expect(text).toContain(title);
      // Not muted: no Unmute button.
      expect(text).not.toContain('Unmute');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/api/act' && u.searchParams.has('t'), { timeout: 10_000 }),
        // The renderer gives Action.OpenUrl buttons the link role.
        page.getByRole('link', { name: 'Mute 1 h', exact: true }).click(),
      ]);
      const confirm = String(await page.evaluate('document.body.innerText'));
      expect(confirm).toContain('Mute 1 h: credit-scorer?');
      expect(confirm).toContain('recorded as done by link holder');
      expect(await page.locator('script').count()).toBe(0);
      await page.fill('#reason', 'new image is rolling out');
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/api/act' && !u.searchParams.has('t'), { timeout: 10_000 }),
        page.getByRole('button', { name: 'Mute 1 h' }).click(),
      ]);
      const done = String(await page.evaluate('document.body.innerText'));
      expect(done).toContain('Mute 1 h: done');
      expect(done).toContain('Muted credit-scorer until 2026-11-26T09:50:00.000Z');
      // The page that confirms the mute is where it can be undone: its Unmute link opens the Unmute confirmation.
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/api/act' && u.searchParams.has('t'), { timeout: 10_000 }),
        page.getByRole('link', { name: 'Unmute', exact: true }).click(),
      ]);
      expect(String(await page.evaluate('document.body.innerText'))).toContain('Unmute: credit-scorer?');
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
    }
    const silences = (await state.silences?.list(SILENCE_PARTITION)) ?? [];
    expect(silences.map((s) => s.value)).toMatchObject([
      {
        kind: 'mute',
        reason: 'new image is rolling out',
        endsAt: '2026-11-26T09:50:00.000Z',
        createdBy: 'link holder',
      },
    ]);
  });
});
