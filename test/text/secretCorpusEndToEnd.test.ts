/**
 * The secret corpus end to end: every planted kind, in every input place of a bundle (a container log line the
 * diagnosis quotes, a short and a long event message, build.log, service.json, meta.json gaps), must appear in no
 * output: diagnose JSON, the terminal report, email subject/HTML/text (ACS stand-in), the Teams card (Teams
 * stand-in), the webhook body, the archived bundle, and the function log lines.
 */
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationContext } from '@azure/functions';
import { runDiagnose } from '../../cli/commands/diagnose.js';
import { contextLog } from '../../functions/runtime.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { readBuildLogEvidence } from '../../shared/diagnosis/buildlog/classify.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { Notification } from '../../shared/incidents/types.js';
import { createSender } from '../../shared/notify/index.js';
import { loadBundle, writeBundle } from '../../shared/snapshot/bundle.js';
import { startAcsStandIn, type AcsStandIn } from '../../sim/standins/acsEmail.js';
import { startTeamsStandIn, type TeamsStandIn } from '../../sim/standins/teams.js';
import { alertSingle } from '../../sim/samples.js';
import { SECRET_CORPUS } from '../support/secretCorpus.js';

const FIXTURE = new URL(
  '../fixtures/ScoringInitFailure.InitException.v1-connection-string-redacted/',
  import.meta.url,
).pathname;
const POD = 'ingest-svc-2f7sfhf7vw-9xbfv';
const oneLine = SECRET_CORPUS.filter((s) => !s.text.includes('\n'));
const pem = SECRET_CORPUS.filter((s) => s.text.includes('\n'));
const inline = oneLine.map((s) => s.text).join(' ');

function event(name: string, reason: string, message: string): string {
  return [
    '---',
    'apiVersion: v1',
    'kind: Event',
    'metadata:',
    `  name: ${name}`,
    '  namespace: azureml-contoso-ml',
    'involvedObject:',
    '  kind: Pod',
    `  name: ${POD}`,
    '  namespace: azureml-contoso-ml',
    `reason: ${reason}`,
    'type: Warning',
    `message: ${JSON.stringify(message)}`,
    'lastTimestamp: "2024-05-14T10:27:00Z"',
    'count: 3',
    '',
  ].join('\n');
}

/** The fixture with every secret planted in every input place. */
async function plantedBundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'amlmon-secrets-'));
  await cp(FIXTURE, dir, { recursive: true });
  const logPath = join(dir, 'logs', POD, 'ingest-svc.previous.log');
  const log = await readFile(logPath, 'utf8');
  // On the exception line the rule quotes, then a PEM block further down.
  const planted =
    log.replace(/^(ValueError: .*)$/m, `$1 ${inline}`) + pem.map((s) => s.text).join('\n') + '\n';
  await writeFile(logPath, planted);
  const long = `MountVolume.SetUp failed for volume "model" : ${'x'.repeat(500)} ${inline} ${'y'.repeat(300)} mount failed: exit status 1`;
  await writeFile(
    join(dir, 'snapshot.yaml'),
    (await readFile(join(dir, 'snapshot.yaml'), 'utf8')) +
      event('short-secret', 'Failed', `Failed to pull image: ${inline}`) +
      event('long-secret', 'FailedMount', long),
  );
  await writeFile(
    join(dir, 'build.log'),
    `Step 1/9 : RUN pip install\n${inline}\n${pem[0]?.text ?? ''}\nERROR: failed\n`,
  );
  await writeFile(
    join(dir, 'service.json'),
    JSON.stringify({
      name: 'ingest-svc',
      state: 'Failed',
      error: { code: 'CrashLoopBackOff', message: inline },
    }),
  );
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...meta, gaps: [`events: ${inline}`] }));
  return dir;
}

function leaks(output: string): string[] {
  return SECRET_CORPUS.filter((s) => output.includes(s.secret)).map((s) => s.kind);
}

let acs: AcsStandIn;
let teams: TeamsStandIn;
let bundleDir: string;
let diagnosis: Diagnosis;
let notification: Notification;

beforeAll(async () => {
  [acs, teams] = await Promise.all([startAcsStandIn(), startTeamsStandIn({ requireCardEnvelope: false })]);
  bundleDir = await plantedBundle();
  const snapshot = await loadBundle(bundleDir, { readBuildLog: readBuildLogEvidence });
  diagnosis = diagnoseSnapshot(snapshot)[0]!;
  const incident = alertSingle.incidents[0]!;
  notification = { ...alertSingle, incidents: [{ ...incident, diagnosis }] };
});
afterAll(async () => {
  await Promise.all([acs.close(), teams.close()]);
});

describe(`${SECRET_CORPUS.length} secret kinds × 6 input places → zero occurrences in every output`, () => {
  it('the planted secrets do reach the diagnosis input (the test can fail)', async () => {
    const raw = await readFile(join(bundleDir, 'logs', POD, 'ingest-svc.previous.log'), 'utf8');
    expect(leaks(raw).length).toBe(SECRET_CORPUS.length);
    expect(JSON.stringify(diagnosis)).toContain('[REDACTED]');
  });

  it('diagnose JSON and the terminal report', async () => {
    const json = await runDiagnose(bundleDir, { json: true }, false);
    expect(leaks(json)).toEqual([]);
    expect(json).toContain('[REDACTED]');
    expect(leaks(await runDiagnose(bundleDir, {}, true))).toEqual([]);
    expect(leaks(await runDiagnose(bundleDir, {}, false))).toEqual([]);
  });

  it('email subject, HTML and text (ACS stand-in)', async () => {
    const sender = createSender({
      kind: 'email',
      connectionString: acs.connectionString,
      caCert: acs.caCert,
      senderAddress: 'DoNotReply@amlmon.example',
      recipients: [{ to: ['oncall@example.com'] }],
      pollIntervalMs: 0,
      throttle: [],
    });
    expect((await sender.send(notification)).ok).toBe(true);
    const sent = JSON.stringify(acs.emails.at(-1));
    expect(sent.length).toBeGreaterThan(500);
    expect(leaks(sent)).toEqual([]);
  });

  it('Teams card and webhook body', async () => {
    for (const config of [
      { kind: 'teams' as const, url: teams.url, caCert: teams.caCert, throttle: [] },
      { kind: 'webhook' as const, url: teams.url, caCert: teams.caCert, secret: 's' },
    ]) {
      teams.received.length = 0;
      expect((await createSender(config).send(notification)).ok).toBe(true);
      expect(teams.received[0]!.raw.length).toBeGreaterThan(500);
      expect(leaks(teams.received[0]!.raw), config.kind).toEqual([]);
    }
  });

  it('the archived bundle', async () => {
    const out = await mkdtemp(join(tmpdir(), 'amlmon-archive-'));
    await writeBundle(out, await loadBundle(bundleDir, { readBuildLog: readBuildLogEvidence }));
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = await readFile(join(f.parentPath, f.name), 'utf8');
      expect(leaks(text), f.name).toEqual([]);
    }
  });

  it('function log lines', () => {
    const lines: string[] = [];
    const context = {
      debug: (m: string) => lines.push(m),
      log: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
    } as unknown as InvocationContext;
    const log = contextLog(context);
    log.error(`malformed event dropped: ${inline}`);
    log.info(pem.map((s) => s.text).join('\n'));
    expect(lines).toHaveLength(2);
    expect(leaks(lines.join('\n'))).toEqual([]);
  });
});
