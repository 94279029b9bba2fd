/**
 * `amlmon simulate` with `actions/`: each action follows the link of the last Teams card delivered for the service,
 * exactly the URL a person clicks, through the confirmation page and its form, into the real `act` function. Unmute
 * follows the link on the page that confirmed the mute (cards sent while not muted carry no Unmute).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation, type SimulationResult } from '../../sim/runner.js';

describe('simulate: acting from the card', () => {
  let dir: string;
  let result: SimulationResult;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amlmon-actions-'));
    await cp('examples/demo', dir, { recursive: true });
    const write = (name: string, body: unknown): Promise<void> =>
      writeFile(join(dir, 'actions', name), JSON.stringify(body));
    await write('2-mute-fraud-score.json', {
      action: 'mute',
      service: 'fraud-score',
      duration: '1h',
      reason: 'fix rolling out',
    });
    await write('1-ack-churn-model.json', { action: 'ack', service: 'churn-model' });
    await write('6-ack-blue-recsys.json', { action: 'ack', service: 'blue-recsys' });
    await write('6-unmute-fraud-score.json', { action: 'unmute', service: 'fraud-score' });
    result = await runSimulation(dir, { outDir: join(dir, 'out') });
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('mutes fraud-score from its 10:00 card: its recovery at 10:10 sends no resolved notice', () => {
    const seen = result.deliveries.map((d) => `${d.at.slice(11, 16)} ${d.kind} ${d.service}`);
    expect(seen).toContain('10:00 alert fraud-score');
    expect(seen.filter((s) => s.includes('resolved fraud-score'))).toEqual([]);
    // Everything else is as in the demo without the mute.
    expect(seen).toContain('10:08 alert blue-recsys');
    expect(seen.filter((s) => s.includes('digest'))).toHaveLength(2);
  });

  it('followed the links: page 200, form 200, the outcome said; a service without a card gets no action', () => {
    const byService = new Map(result.actions.filter((a) => a.action !== 'Unmute').map((a) => [a.service, a]));
    expect(byService.get('fraud-score')).toMatchObject({
      link: 'Mute 1 h',
      pageStatus: 200,
      submitStatus: 200,
      at: '2026-11-26T10:04:00.000Z',
    });
    expect(byService.get('fraud-score')?.outcome).toContain(
      'Muted fraud-score until 2026-11-26T11:04:00.000Z',
    );
    expect(result.actions.find((a) => a.sweep === 5)).toMatchObject({
      service: 'blue-recsys',
      link: 'Mute until resolved',
      submitStatus: 200,
    });
    // Acknowledging after muting: the blue-recsys card of 10:08 carries both links; the ack is its own action.
    expect(result.actions.find((a) => a.sweep === 6)).toMatchObject({
      link: 'Acknowledge',
      submitStatus: 200,
    });
    expect(byService.get('churn-model')).toMatchObject({ link: '(none)' });
    expect(byService.get('churn-model')?.outcome).toContain('no Teams card');
    expect(result.log.some((l) => l.message.includes('action Mute 1 h on fraud-score'))).toBe(true);
  });

  it('unmutes fraud-score from the Unmute link of the page that confirmed its mute (its cards have none)', async () => {
    const cards = await Promise.all(
      result.written.filter((f) => f.endsWith('-teams.json')).map((f) => readFile(f, 'utf8')),
    );
    expect(cards.some((c) => c.includes('"title":"Unmute"') || c.includes('"title": "Unmute"'))).toBe(false);
    expect(result.actions.find((a) => a.action === 'Unmute')).toMatchObject({
      sweep: 6,
      service: 'fraud-score',
      link: 'Unmute',
      pageStatus: 200,
      submitStatus: 200,
    });
    expect(result.actions.find((a) => a.action === 'Unmute')?.outcome).toContain('Unmuted fraud-score');
  });

  it('the next messages show it: the 10:08 alert card carries the links, the 10:15 digest says who muted blue-recsys', async () => {
    const digest = result.written.find((f) => f.includes('digest') && f.endsWith('.txt'));
    expect(digest).toBeDefined();
    const text = await readFile(digest as string, 'utf8');
    expect(text).toMatch(
      /blue-recsys .*DeploymentHung \(acknowledged by link holder; muted by link holder until resolved\)/,
    );
    const cards = await Promise.all(
      result.written.filter((f) => f.endsWith('-teams.json')).map((f) => readFile(f, 'utf8')),
    );
    const alerts = cards.filter((c) => c.includes('Mute until resolved'));
    expect(alerts.length).toBeGreaterThanOrEqual(3);
    expect(alerts.every((c) => c.includes('http://localhost:7071/api/act?t='))).toBe(true);
  });
});
