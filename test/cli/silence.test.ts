/** `amlmon silence add|list|expire` against Azurite, read back through the monitor's own state layer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/amlmon.js';
import { runSilenceAdd, runSilenceExpire, runSilenceList } from '../../cli/commands/silence.js';
import { azureState } from '../../shared/state/azureState.js';
import { SILENCE_PARTITION, type SilenceRecord } from '../../shared/silences/types.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';

let azurite: AzuriteInstance;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const now = new Date('2026-12-03T09:00:00Z');

describe('amlmon silence', () => {
  it('adds, lists and expires a silence in the same Table the monitor reads', async () => {
    const storage = { connectionString: azurite.connectionString, prefix: 'clisil1' };
    const out = await runSilenceAdd(
      {
        ...storage,
        cluster: 'aks-prod',
        code: 'NodeFailure',
        duration: '2h',
        reason: 'node pool upgrade',
        by: 'ops@contoso.com',
        json: true,
      },
      now,
    );
    const created = JSON.parse(out) as SilenceRecord;
    expect(created).toMatchObject({
      kind: 'silence',
      matchers: { cluster: 'aks-prod', code: 'NodeFailure' },
      createdBy: 'ops@contoso.com',
      reason: 'node pool upgrade',
      startsAt: '2026-12-03T09:00:00.000Z',
      endsAt: '2026-12-03T11:00:00.000Z',
    });
    const state = azureState({ connectionString: azurite.connectionString }, 'clisil1');
    expect((await state.silences?.get(SILENCE_PARTITION, created.id))?.value).toEqual(created);

    const listed = await runSilenceList(storage, now);
    expect(listed).toContain(created.id);
    expect(listed).toContain('active');
    expect(listed).toContain('cluster=aks-prod,code=NodeFailure');
    // After its end it is no longer listed, except with --all.
    expect(await runSilenceList(storage, new Date('2026-12-03T12:00:00Z'))).toBe('(no silences)\n');

    expect(
      await runSilenceExpire(created.id, { ...storage, by: 'ops' }, new Date('2026-12-03T09:30:00Z')),
    ).toContain('expired');
    expect(await runSilenceList(storage, new Date('2026-12-03T09:31:00Z'))).toBe('(no silences)\n');
    const all = JSON.parse(
      await runSilenceList({ ...storage, all: true, json: true }, new Date('2026-12-03T09:31:00Z')),
    ) as Array<SilenceRecord & { state: string }>;
    expect(all[0]).toMatchObject({ id: created.id, expiredBy: 'ops', state: 'expired' });
    await expect(runSilenceExpire('nope', storage, now)).rejects.toThrow('no silence nope');
  });

  it('names every problem of a bad silence and creates nothing', async () => {
    const storage = { connectionString: azurite.connectionString, prefix: 'clisil2' };
    await expect(
      runSilenceAdd({ ...storage, service: 'Bad_Name', code: 'Nope', duration: 'soon' }, now),
    ).rejects.toThrow(
      /service "Bad_Name" is not a valid name.*code "Nope" is not a known code.*reason is required.*duration "soon" is not a duration/,
    );
    await expect(runSilenceAdd({ ...storage, reason: 'x', duration: '1h' }, now)).rejects.toThrow(
      'at least one matcher',
    );
    await expect(
      runSilenceAdd({ ...storage, service: 'a', reason: 'x', until: '2026-12-01T00:00:00Z' }, now),
    ).rejects.toThrow('ends before it starts');
    const state = azureState({ connectionString: azurite.connectionString }, 'clisil2');
    expect(await state.silences?.list()).toEqual([]);
  });

  it('is wired into the CLI: a usage error is exit code 2', async () => {
    const err = process.stderr.write.bind(process.stderr);
    let said = '';
    process.stderr.write = ((chunk: string) => {
      said += chunk;
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(
        await main(['silence', 'add', '--connection-string', azurite.connectionString, '--service', 'svc']),
      ).toBe(2);
    } finally {
      process.stderr.write = err;
    }
    expect(said).toContain('reason is required');
  });
});
