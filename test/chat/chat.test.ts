/**
 * The Teams outgoing webhook with real signed requests against the scenario cluster (HTTPS Kubernetes stand-in,
 * read by the real client) and Azurite: every command, and every way a request is refused.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatDiagnose } from '../../functions/chatDiagnose.js';
import { runChatCommand } from '../../shared/chat/commands.js';
import { queueChat, queueClient } from '../../shared/monitor/azureAdapters.js';
import { drainQueue } from '../../sim/queueHost.js';
import type { Notification } from '../../shared/incidents/types.js';
import type { Sender } from '../../shared/notify/types.js';
import { chat } from '../../functions/chat.js';
import { setRuntime } from '../../functions/runtime.js';
import { teamsSignature } from '../../shared/chat/verify.js';
import { loadKubeconfigTarget } from '../../shared/cluster/index.js';
import { clusterSourceFromTarget } from '../../shared/monitor/clusterSource.js';
import { runSweep } from '../../shared/monitor/sweep.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { startScenarioCluster } from '../../sim/standins/kubernetes/index.js';
import { makeHarness, type Harness } from '../functions/harness.js';

const { HttpRequest } = azureFunctions;

const key = randomBytes(32);
const START = '2026-11-26T10:00:00Z';
let azurite: AzuriteInstance;
let cluster: Awaited<ReturnType<typeof startScenarioCluster>>;
let h: Harness;

beforeAll(async () => {
  azurite = await startAzurite();
  const now = new Date(START);
  cluster = await startScenarioCluster({
    bundles: [
      'examples/demo/cluster/0/fraud-score',
      'examples/demo/cluster/0/churn-model',
      'examples/demo/cluster/0/platform',
    ],
    clock: () => now,
  });
  h = makeHarness(azurite, {
    clusters: [
      clusterSourceFromTarget('scenario', loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath })),
    ],
    start: START,
  });
  h.rt.interaction = { outgoingWebhookKey: key, trustEasyAuth: false };
  setRuntime(h.rt);
  const s = await runSweep(h.rt);
  expect(s.errors).toEqual([]);
}, 120_000);
afterAll(async () => {
  setRuntime(undefined);
  await cluster?.close();
  await azurite?.stop();
});

function activity(text: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'message',
    id: randomUUID(),
    timestamp: h.clock.now().toISOString(),
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    channelId: 'msteams',
    from: { id: '29:1abc', name: 'Ana Ops', aadObjectId: '8e7b0000-0000-0000-0000-000000000000' },
    conversation: { isGroup: true, id: '19:abc@thread.tacv2;messageid=1', name: null },
    recipient: null,
    textFormat: 'plain',
    text: `<at>amlmon</at>&nbsp;${text}\n`,
    attachments: [
      { contentType: 'text/html', content: `<div><span itemscope="">amlmon</span> ${text}</div>` },
    ],
    entities: [{ type: 'mention', mentioned: { id: '28:xyz', name: 'amlmon' }, text: '<at>amlmon</at>' }],
    channelData: {
      teamsChannelId: '19:abc@thread.tacv2',
      teamsTeamId: '19:team@thread.tacv2',
      tenant: { id: 't' },
    },
    ...over,
  });
}

interface Reply {
  type?: string;
  text?: string;
  attachments?: Array<{ content: unknown }>;
  error?: { code: string };
}

async function send(
  body: string,
  headers: Record<string, string> = { authorization: teamsSignature(Buffer.from(body), key) },
): Promise<{ status: number; body: Reply }> {
  const res = await chat(
    new HttpRequest({
      method: 'POST',
      url: 'https://amlmon.example.net/api/chat',
      headers: { 'content-type': 'application/json', ...headers },
      body: { string: body },
    }),
    h.context('chat'),
  );
  return { status: res.status ?? 200, body: res.jsonBody as Reply };
}

async function command(text: string): Promise<Reply> {
  const r = await send(activity(text));
  expect(r.status).toBe(200);
  expect(r.body.type).toBe('message');
  return r.body;
}

describe('chat commands (signed, against the scenario cluster and Azurite)', () => {
  it('help lists every command; an unknown command says so and lists them too; case does not matter', async () => {
    const help = await command('HELP');
    for (const c of ['status', 'diagnose', 'incidents', 'ack', 'mute', 'unmute', 'silences', 'digest'])
      expect(help.text).toContain(`**${c}**`);
    const unknown = await command('reboot everything');
    expect(unknown.text).toContain('I don\'t know "reboot"');
    expect(unknown.text).toContain('**diagnose**');
  });

  it('status lists the failing deployment with its root cause', async () => {
    const r = await command('Status');
    expect(r.text).toContain('fraud\\-score');
    expect(r.text).toContain('ScoringInitFailure/MissingPythonModule');
  });

  it('diagnose answers with the same card as an alert, its action links included', async () => {
    h.rt.interaction = {
      outgoingWebhookKey: key,
      trustEasyAuth: false,
      actions: { key: randomBytes(32), baseUrl: 'https://amlmon.example.net', ttlMs: 3_600_000 },
    };
    const r = await command('diagnose fraud-score');
    const card = JSON.stringify(r.attachments?.[0]?.content);
    expect(card).toContain('AdaptiveCard');
    expect(card).toContain("No module named 'sklearn'");
    expect(card).toContain('Mute 1 h');
    expect((await command('diagnose nosuch')).text).toContain('has not seen nosuch');
    expect((await command('diagnose Bad_Name')).text).toContain('is not a valid name');
  });

  it('incidents lists the last 24 h; other windows are refused', async () => {
    expect((await command('incidents')).text).toMatch(/\*\*1 incidents\*\* opened in the last 24h/);
    expect((await command('incidents 7d')).text).toContain('fraud\\-score');
    expect((await command('incidents 3w')).text).toBe('incidents takes 24h or 7d');
  });

  it('ack, mute, silences and unmute change the state the sweep reads', async () => {
    expect((await command('ack fraud-score')).text).toContain('Acknowledged');
    expect((await command('status')).text).toContain('acknowledged by Ana Ops \\(Teams\\)');
    expect((await command('mute fraud-score forever')).text).toContain('mute needs a duration');
    expect((await command('mute fraud-score 2h fix is rolling out')).text).toContain(
      'Muted fraud\\-score until',
    );
    const silences = await command('silences');
    expect(silences.text).toContain('mute');
    expect(silences.text).toContain('fix is rolling out');
    expect((await command('unmute fraud-score')).text).toContain('Unmuted fraud\\-score');
    expect((await command('silences')).text).toBe('No active or pending silences.');
    // A healthy service can be muted ahead of a risky deploy.
    expect((await command('mute churn-model 1h')).text).toContain('Muted churn\\-model until');
    expect((await command('unmute churn-model')).text).toBe('Unmuted churn\\-model.');
  });

  it('a diagnosis slower than Teams waits is answered "running" and its card posted through the Teams channel', async () => {
    const posted: Notification[] = [];
    const teams: Sender = {
      kind: 'teams',
      name: 'teams',
      send: (n) => {
        posted.push(n);
        return Promise.resolve({ ok: true, retryable: false });
      },
    };
    const rt = { ...h.rt, senders: new Map([['teams', teams]]) };
    const reply = await runChatCommand(['diagnose', 'fraud-score'], { rt, by: 'Ana', budgetMs: 0 });
    expect(reply.text).toContain('takes longer than Teams waits');
    await vi.waitFor(() => expect(posted).toHaveLength(1), { timeout: 10_000 });
    expect(posted[0]?.incidents[0]).toMatchObject({ service: 'fraud-score', code: 'ScoringInitFailure' });
  });

  it('with the chat queue (the Functions app), a late diagnosis is queued and the chatDiagnose function posts it', async () => {
    const posted: Notification[] = [];
    const teams: Sender = {
      kind: 'teams',
      name: 'teams',
      send: (n) => {
        posted.push(n);
        return Promise.resolve({ ok: true, retryable: false });
      },
    };
    const conn = { connectionString: azurite.connectionString };
    const name = `chat${randomUUID().slice(0, 8)}`;
    const rt = {
      ...h.rt,
      senders: new Map([['teams', teams]]),
      chatQueue: queueChat(queueClient(conn, name)),
    };
    setRuntime(rt);
    try {
      const reply = await runChatCommand(['diagnose', 'fraud-score'], { rt, by: 'Ana', budgetMs: 0 });
      expect(reply.text).toContain('takes longer than Teams waits');
      const outcomes: unknown[] = [];
      const drained = await drainQueue(
        queueClient(conn, name),
        async (m) => outcomes.push(await chatDiagnose(m, h.context('chatDiagnose'))),
        { maxDequeueCount: 5, poisonQueue: queueClient(conn, `${name}-poison`) },
      );
      expect(drained.succeeded).toBe(1);
      expect(outcomes).toEqual(['posted']);
      expect(posted[0]?.incidents[0]).toMatchObject({ service: 'fraud-score', code: 'ScoringInitFailure' });
      expect(await chatDiagnose('{"v":2}', h.context('chatDiagnose'))).toBe('malformed');
    } finally {
      setRuntime(h.rt);
    }
  });

  it('digest answers with the digest card', async () => {
    const r = await command('digest');
    expect(JSON.stringify(r.attachments?.[0]?.content)).toContain('AdaptiveCard');
  });
});

describe('refused requests', () => {
  it('missing header, wrong key, altered body: 401, nothing run', async () => {
    const body = activity('ack fraud-score');
    expect((await send(body, {})).status).toBe(401);
    expect(
      (await send(body, { authorization: teamsSignature(Buffer.from(body), randomBytes(32)) })).status,
    ).toBe(401);
    const altered = body.replace('ack fraud-score', 'mute fraud-score 7d');
    expect((await send(altered, { authorization: teamsSignature(Buffer.from(body), key) })).status).toBe(401);
    expect((await send(body, { authorization: 'Bearer abc' })).status).toBe(401);
    expect(h.logs.some((l) => l.message.includes('wrong signature'))).toBe(true);
  });

  it('replayed (same activity id) and stale (old timestamp): 401', async () => {
    const body = activity('status');
    expect((await send(body)).status).toBe(200);
    const again = await send(body);
    expect(again.status).toBe(401);
    expect(again.body.error?.code).toBe('Replayed');
    const old = activity('status', { timestamp: '2026-11-26T09:00:00.000Z' });
    expect((await send(old)).body.error?.code).toBe('Stale');
  });

  it('huge or malformed bodies: 400', async () => {
    const huge = activity('status', { padding: 'x'.repeat(70_000) });
    const signed = teamsSignature(Buffer.from(huge), key);
    expect((await send(huge, { authorization: signed, 'content-length': String(huge.length) })).status).toBe(
      400,
    );
    expect((await send(huge, { authorization: signed })).status).toBe(400);
    expect((await send('{"type":"message",')).status).toBe(400);
    const notMessage = JSON.stringify({
      type: 'invoke',
      id: '1',
      timestamp: h.clock.now().toISOString(),
      text: 'x',
    });
    expect((await send(notMessage)).status).toBe(400);
  });

  it('without a configured token every request is refused', async () => {
    const saved = h.rt.interaction;
    h.rt.interaction = { trustEasyAuth: false };
    try {
      expect((await send(activity('help'))).status).toBe(401);
    } finally {
      h.rt.interaction = saved;
    }
  });
});
