/**
 * Each function registers the trigger and settings the Functions host needs. `@azure/functions` is pointed at a stub
 * of `@azure/functions-core` (the module the worker injects) via NODE_PATH, so registrations are captured without
 * the host. Vitest runs each test file in its own process, so this does not leak into other tests.
 */
import { createRequire, Module } from 'node:module';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

interface Registration {
  metadata: {
    name: string;
    bindings: Record<string, { type: string; direction: string; [k: string]: unknown }>;
    retryOptions?: unknown;
  };
  callback: unknown;
}

let registrations: Registration[] = [];
let hooks: Array<{ hookName: string; callback: (ctx: unknown) => unknown }> = [];
const env = { SWEEP_SCHEDULE: '0 */5 * * * *', OUTBOX_QUEUE: 'custom-outbox' };

function triggerOf(name: string): { type: string; direction: string; [k: string]: unknown } {
  const reg = registrations.find((r) => r.metadata.name === name);
  if (!reg) throw new Error(`function ${name} was not registered`);
  const triggers = Object.values(reg.metadata.bindings).filter((b) => b.type.endsWith('Trigger'));
  expect(triggers).toHaveLength(1);
  return triggers[0] as { type: string; direction: string };
}

beforeAll(async () => {
  process.env.NODE_PATH = resolve('test/support/functionsCoreStub');
  (Module as unknown as { _initPaths(): void })._initPaths();
  Object.assign(process.env, env);
  const require = createRequire(import.meta.url);
  const core = require('@azure/functions-core') as { registrations: Registration[]; hooks: typeof hooks };
  registrations = core.registrations;
  hooks = core.hooks;
  await import('../../functions/onWorkspaceEvent.js');
  await import('../../functions/onImageLog.js');
  await import('../../functions/sweep.js');
  await import('../../functions/deliver.js');
  await import('../../functions/recheckImageLog.js');
  await import('../../functions/startup.js');
  await import('../../functions/act.js');
  await import('../../functions/chat.js');
  await import('../../functions/chatDiagnose.js');
  await import('../../functions/api.js');
});

describe('function registrations', () => {
  it('the API endpoints are HTTP triggers that need a function key', () => {
    for (const [name, route] of [
      ['apiDeployments', 'deployments'],
      ['apiDeployment', 'deployments/{workspace}/{service}'],
      ['apiDiagnose', 'deployments/{workspace}/{service}/diagnose'],
      ['apiIncidents', 'incidents'],
      ['apiSilences', 'silences'],
      ['apiSilence', 'silences/{id}'],
    ] as const)
      expect(triggerOf(name)).toMatchObject({ type: 'httpTrigger', route, authLevel: 'function' });
  });

  it('chat is an anonymous HTTP POST trigger on /api/chat (Teams signs every request)', () => {
    expect(triggerOf('chat')).toMatchObject({
      type: 'httpTrigger',
      route: 'chat',
      authLevel: 'anonymous',
      methods: ['POST'],
    });
  });

  it('act is an anonymous HTTP trigger on /api/act for GET and POST (the signed token is the key)', () => {
    expect(triggerOf('act')).toMatchObject({
      type: 'httpTrigger',
      direction: 'in',
      route: 'act',
      authLevel: 'anonymous',
      methods: ['GET', 'POST'],
    });
  });

  it('registers every function exactly once', () => {
    const names = registrations.map((r) => r.metadata.name).sort();
    expect(names).toEqual([
      'act',
      'apiDeployment',
      'apiDeployments',
      'apiDiagnose',
      'apiIncidents',
      'apiSilence',
      'apiSilences',
      'chat',
      'chatDiagnose',
      'deliver',
      'onImageLog',
      'onWorkspaceEvent',
      'recheckImageLog',
      'sweep',
    ]);
  });

  it('onWorkspaceEvent and onImageLog are Event Grid triggers (Flex Consumption needs Event Grid, not a blob trigger)', () => {
    expect(triggerOf('onWorkspaceEvent')).toMatchObject({ type: 'eventGridTrigger', direction: 'in' });
    expect(triggerOf('onImageLog')).toMatchObject({ type: 'eventGridTrigger', direction: 'in' });
  });

  it('sweep is a timer with the SWEEP_SCHEDULE setting and the schedule monitor', () => {
    expect(triggerOf('sweep')).toMatchObject({
      type: 'timerTrigger',
      schedule: env.SWEEP_SCHEDULE,
      useMonitor: true,
      runOnStartup: false,
    });
  });

  it('deliver reads the outbox queue named by OUTBOX_QUEUE through the host storage connection', () => {
    expect(triggerOf('deliver')).toMatchObject({
      type: 'queueTrigger',
      queueName: 'custom-outbox',
      connection: 'AzureWebJobsStorage',
    });
  });

  it('recheckImageLog reads the default re-read queue', () => {
    expect(triggerOf('recheckImageLog')).toMatchObject({
      type: 'queueTrigger',
      queueName: 'amlmon-imagelog-recheck',
      connection: 'AzureWebJobsStorage',
    });
  });

  it('registers the exported handlers, so the tests and `amlmon simulate` call exactly what the host calls', async () => {
    const handlers: Record<string, unknown> = {
      onWorkspaceEvent: (await import('../../functions/onWorkspaceEvent.js')).onWorkspaceEvent,
      onImageLog: (await import('../../functions/onImageLog.js')).onImageLog,
      sweep: (await import('../../functions/sweep.js')).sweep,
      deliver: (await import('../../functions/deliver.js')).deliver,
      recheckImageLog: (await import('../../functions/recheckImageLog.js')).recheckImageLog,
      act: (await import('../../functions/act.js')).act,
      chat: (await import('../../functions/chat.js')).chat,
      chatDiagnose: (await import('../../functions/chatDiagnose.js')).chatDiagnose,
      ...(await import('../../functions/api.js')),
    };
    for (const r of registrations) expect(r.callback).toBe(handlers[r.metadata.name]);
  });

  it('validates the app settings when the worker starts, one log line per problem', async () => {
    const start = hooks.filter((h) => h.hookName === 'appStart');
    expect(start).toHaveLength(1);
    const { checkSettingsAtStartup } = await import('../../functions/startup.js');
    const lines: string[] = [];
    const log = {
      info: (l: string) => lines.push(`info ${l}`),
      error: (l: string) => lines.push(`error ${l}`),
    };
    expect(checkSettingsAtStartup({ CLUSTERS: 'nonsense', HANG_AFTER: 'soon' }, log)).toBe(false);
    expect(lines).toEqual([
      expect.stringMatching(/^error amlmon: invalid app setting: AzureWebJobsStorage is missing/),
      expect.stringMatching(/^error amlmon: invalid app setting: CLUSTERS entry "nonsense"/),
      expect.stringMatching(/^error amlmon: invalid app setting: no channel configured/),
      expect.stringMatching(/^error amlmon: invalid app setting: HANG_AFTER "soon"/),
    ]);
    lines.length = 0;
    const ok = {
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      CLUSTERS: 'kubeconfig:K',
      K: 'apiVersion: v1\nclusters: []',
      WEBHOOK_URL: 'https://h.example/x?token=SECRET',
    };
    expect(checkSettingsAtStartup(ok, log)).toBe(true);
    expect(lines.join('\n')).not.toContain('SECRET');
    expect(lines).toContain('info amlmon: clusters: K (kubeconfig)');
  });
});
