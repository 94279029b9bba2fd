/**
 * `amlmon simulate`: the real function handlers, end to end, on this machine. Azurite for tables, queues and blobs,
 * the scenario cluster over HTTPS, loopback channel stand-ins, and a simulated clock that jumps from sweep to sweep.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import azureFunctions, {
  type EventGridEvent,
  type InvocationContext as Context,
  type Timer,
} from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { dailyDigest } from '../functions/dailyDigest.js';
import { deliver } from '../functions/deliver.js';
import { onImageLog } from '../functions/onImageLog.js';
import { onWorkspaceEvent } from '../functions/onWorkspaceEvent.js';
import { recheckImageLog } from '../functions/recheckImageLog.js';
import { setRuntime } from '../functions/runtime.js';
import { sweep } from '../functions/sweep.js';
import { act } from '../functions/act.js';
import { createHash } from 'node:crypto';
import type { ActionLinkSettings } from '../shared/actions/token.js';
import type { ReportSettings } from '../shared/notify/config.js';
import { actionTitle, findCardLink, followActionLink } from './cardActions.js';
import type { ScenarioAction } from './scenario.js';
import { startAzurite } from './azurite.js';
import { startScenarioCluster } from './standins/kubernetes/index.js';
import { readSettings, type Env } from '../shared/config/settings.js';
import { BLOB_CREATED, IMAGE_LOG_SUBJECT_PREFIX } from '../shared/events/parse.js';
import type { Notification, NotificationKind } from '../shared/incidents/types.js';
import { queueClient } from '../shared/monitor/azureAdapters.js';
import { buildRuntime } from '../shared/monitor/fromSettings.js';
import type { MonitorLog } from '../shared/monitor/types.js';
import type { ChannelKind, Sender } from '../shared/notify/types.js';
import { SimulatedClock } from '../shared/time/clock.js';
import { drainQueue, type QueueTriggerMetadata } from './queueHost.js';
import { azuremlAt, bundlesAt, loadScenario, ScenarioError, type Scenario } from './scenario.js';
import { AzureMlReader } from '../shared/azureml/reader.js';
import { azureMlSourceFromReader } from '../shared/monitor/azureMlSource.js';
import {
  standInReaderOptions,
  readAzureMlScenarioDir,
  startAzureMlStandIn,
  type AzureMlStandIn,
  type StandInWorkspace,
} from './standins/azureml/index.js';
import { defaultSimChannels, type SimChannels } from './channels.js';
import { v1Namespace } from '../shared/snapshot/objects.js';

export interface SimDelivery {
  channel: ChannelKind;
  kind: NotificationKind;
  service: string;
  code: string | null;
  detail: string | null;
  at: string;
  /** The Azure ML workspace, when known. */
  workspace?: string;
  /** RFC 3339: the root cause's first signal, when the evidence carries one. */
  since?: string;
  /** The Azure ML error code a user sees for this failure, when known. */
  amlCode?: string;
  /** Extras for the human-readable output (not part of `--json`). */
  title?: string;
  namespace?: string;
  cluster?: string;
  grouped?: number;
}

export interface SimulationResult {
  deliveries: SimDelivery[];
  /** Messages that ended in a poison queue. */
  poisoned: number;
  /** Handler log lines (level, message) in order. */
  log: Array<{ level: string; message: string }>;
  /** Files written for `outDir`: every message as the stand-ins received it. */
  written: string[];
  /** The scenario's `actions/`, as performed by following the card links. */
  actions: SimAction[];
}

export interface SimAction {
  sweep: number;
  at: string;
  action: string;
  service: string;
  /** The card link that was followed ("Mute 1 day"), or why none could be. */
  link: string;
  /** HTTP status of the confirmation page and of the submitted form. */
  pageStatus?: number;
  submitStatus?: number;
  /** What the final page said. */
  outcome: string;
}

export interface SimulationOptions {
  /** Channels to deliver to; default: the ACS Email and Teams stand-ins on loopback. */
  channels?: (clock: SimulatedClock, report?: ReportSettings) => Promise<SimChannels>;
  /** Called for every handler log line as it happens. */
  onLog?: (level: string, message: string) => void;
  /** Called when a sweep step begins. */
  onStep?: (step: number, at: Date, bundles: string[]) => void;
  /** Write every delivered message (email HTML/text, Teams JSON) into this directory. */
  outDir?: string;
}

// Node's ESM loader cannot see this CommonJS bundle's class exports by name; the default import has them all.
const { InvocationContext } = azureFunctions;

const MAX_DEQUEUE = 5;

/**
 * The simulation's action links: a fixed key (so `--out` files are the same on every run; it guards nothing) and
 * the local Functions host's address, where `func start` would serve the `act` function.
 */
export const SIM_ACTION_LINKS: ActionLinkSettings = {
  key: createHash('sha256')
    .update('amlmon simulate: a fixed, public key for simulated action links')
    .digest(),
  baseUrl: 'http://localhost:7071',
  ttlMs: 7 * 86_400_000,
};

/**
 * Does what a person would: opens the link of the last card delivered for the service and submits the form. A
 * muted service's cards were sent before the mute and carry no Unmute link, so Unmute is the link on the page that
 * confirmed the service's last mute (`undo`, by service), as a person who muted would find it.
 */
async function performCardAction(
  a: ScenarioAction,
  sweepIndex: number,
  channels: SimChannels,
  clock: SimulatedClock,
  context: () => Context,
  undo: Map<string, string>,
): Promise<SimAction> {
  const title = actionTitle(a);
  const base = { sweep: sweepIndex, at: clock.now().toISOString(), action: title, service: a.service };
  const fromCard = (): string | undefined => findCardLink(channels.teamsCards?.() ?? [], a.service, title);
  const url = a.action === 'unmute' ? (undo.get(a.service) ?? fromCard()) : fromCard();
  if (!url) {
    return {
      ...base,
      link: '(none)',
      outcome: `no Teams card delivered so far has a "${title}" link for ${a.service}`,
    };
  }
  const r = await followActionLink(url, act, context, a.reason !== undefined ? { reason: a.reason } : {});
  const unmute = r.links.find((l) => l.title === actionTitle({ action: 'unmute' }));
  if (a.action === 'mute' && unmute) undo.set(a.service, unmute.url);
  if (a.action === 'unmute') undo.delete(a.service);
  return {
    ...base,
    link: title,
    pageStatus: r.pageStatus,
    ...(r.submitStatus !== undefined ? { submitStatus: r.submitStatus } : {}),
    outcome: r.message,
  };
}
/** The scenario cluster's name: `CLUSTERS=kubeconfig:scenario`, the setting holding its kubeconfig file's path. */
const CLUSTER_NAME = 'scenario';

/** The app settings a simulation runs with: Azurite's storage, the scenario cluster, every other setting's default. */
export function simulationEnv(azuriteConnectionString: string, kubeconfigPath: string): Env {
  return {
    AzureWebJobsStorage: azuriteConnectionString,
    IMAGELOG_STORAGE_CONNECTION: azuriteConnectionString,
    CLUSTERS: `kubeconfig:${CLUSTER_NAME}`,
    [CLUSTER_NAME]: kubeconfigPath,
    // Action links as the Functions app makes them; the `act` function runs on the local host's address.
    ACTION_SIGNING_KEY: Buffer.from(SIM_ACTION_LINKS.key).toString('base64'),
    PUBLIC_BASE_URL: SIM_ACTION_LINKS.baseUrl,
  };
}

/** `amlCode` is being added to findings (the Azure ML side); read it without depending on when it lands. */
function amlCodeOf(f: object | undefined): string | undefined {
  const code = (f as { amlCode?: unknown } | undefined)?.amlCode;
  return typeof code === 'string' && code ? code : undefined;
}

function recordingSender(inner: Sender, clock: SimulatedClock, out: SimDelivery[]): Sender {
  return {
    kind: inner.kind,
    name: inner.name,
    async send(n: Notification) {
      const result = await inner.send(n);
      if (result.ok) {
        const at = clock.now().toISOString();
        for (const i of n.incidents) {
          out.push({
            channel: inner.kind,
            kind: n.kind,
            service: i.service,
            code: i.code,
            detail: i.detail,
            at,
            ...(i.workspace ? { workspace: i.workspace } : {}),
            ...(i.diagnosis.findings[0]?.since ? { since: i.diagnosis.findings[0].since } : {}),
            ...(amlCodeOf(i.diagnosis.findings[0]) ? { amlCode: amlCodeOf(i.diagnosis.findings[0]) } : {}),
            title: i.diagnosis.findings[0]?.title,
            namespace: i.namespace,
            cluster: i.cluster,
            grouped: n.incidents.length > 1 ? n.incidents.length : undefined,
          });
        }
        if (n.kind === 'digest')
          out.push({ channel: inner.kind, kind: 'digest', service: '', code: null, detail: null, at });
      }
      return result;
    },
  };
}

/** Where the simulated workspaces live in the stand-in's ARM. */
const SIM_SUBSCRIPTION = '00000000-0000-4000-8000-00000000a11e';
const SIM_RESOURCE_GROUP = 'amlmon-simulate';

/** Every workspace the scenario names (`workspaces` and the folders under `azureml/<k>/`). */
async function scenarioWorkspaceNames(scenario: Scenario): Promise<string[]> {
  const names = new Set(scenario.workspaces.map((w) => w.name));
  for (const dir of scenario.azuremlSteps.values())
    for (const ws of await readAzureMlScenarioDir(dir, standInBase(scenario))) names.add(ws.name);
  return [...names].sort();
}

function standInBase(
  scenario: Scenario,
): (workspace: string) => Omit<StandInWorkspace, 'services' | 'deployments' | 'name'> {
  return (name) => {
    const w = scenario.workspaces.find((x) => x.name === name);
    return {
      subscriptionId: SIM_SUBSCRIPTION,
      resourceGroup: SIM_RESOURCE_GROUP,
      ...(w?.storageAccount ? { storageAccount: w.storageAccount } : {}),
      ...(w?.cluster ? { cluster: w.cluster } : {}),
      ...(w?.cluster ? {} : { namespace: v1Namespace(name) }),
    };
  };
}

/** Azure ML's state at a sweep: the `azureml/<k>/` that applies, every other known workspace with no records. */
async function azuremlStateAt(
  scenario: Scenario,
  dir: string | undefined,
  names: string[],
): Promise<StandInWorkspace[]> {
  const base = standInBase(scenario);
  const read = dir ? await readAzureMlScenarioDir(dir, base) : [];
  return names.map(
    (name) => read.find((w) => w.name === name) ?? { name, ...base(name), services: [], deployments: [] },
  );
}

function timerInfo(at: Date, intervalMs: number): Timer {
  return {
    isPastDue: false,
    schedule: { adjustForDST: true },
    scheduleStatus: {
      last: new Date(at.getTime() - intervalMs).toISOString(),
      next: new Date(at.getTime() + intervalMs).toISOString(),
      lastUpdated: at.toISOString(),
    },
  };
}

async function uploadEventBlob(scenario: Scenario, blobs: BlobServiceClient, event: unknown): Promise<void> {
  if (typeof event !== 'object' || event === null) return;
  const e = event as { eventType?: unknown; subject?: unknown; data?: { blobType?: unknown } };
  if (e.eventType !== BLOB_CREATED || typeof e.subject !== 'string') return;
  const m = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/.exec(e.subject);
  if (!m?.[1] || !m[2]) return;
  const file = join(scenario.blobsDir, m[1], ...m[2].split('/'));
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    if (!e.subject.startsWith(IMAGE_LOG_SUBJECT_PREFIX)) return;
    throw new ScenarioError(
      file,
      `is missing: the BlobCreated event for ${e.subject} needs its content there`,
    );
  }
  const container = blobs.getContainerClient(m[1]);
  await container.createIfNotExists();
  if (e.data?.blobType === 'AppendBlob') {
    const append = container.getAppendBlobClient(m[2]);
    await append.createIfNotExists();
    if (body.length > 0) await append.appendBlock(body, body.length);
  } else {
    await container.getBlockBlobClient(m[2]).uploadData(body);
  }
}

export async function runSimulation(dir: string, opts: SimulationOptions = {}): Promise<SimulationResult> {
  const scenario = await loadScenario(dir);
  const clock = new SimulatedClock(scenario.start);
  const result: SimulationResult = { deliveries: [], poisoned: 0, log: [], written: [], actions: [] };
  const cleanups: Array<() => Promise<void>> = [];
  const logLine = (level: string, message: string): void => {
    result.log.push({ level, message });
    opts.onLog?.(level, message);
  };
  const log: MonitorLog = {
    debug: (m) => logLine('debug', m),
    info: (m) => logLine('information', m),
    warn: (m) => logLine('warning', m),
    error: (m) => logLine('error', m),
  };
  const context = (functionName: string, triggerMetadata: Record<string, unknown> = {}): Context =>
    new InvocationContext({
      invocationId: randomUUID(),
      functionName,
      triggerMetadata,
      logHandler: (level, ...args) => logLine(level, `${functionName}: ${args.map(String).join(' ')}`),
    });

  try {
    // Started side by side (Azurite takes seconds to load); whatever did start is stopped even if another failed.
    let currentBundles = bundlesAt(scenario, 0);
    const started = await Promise.allSettled([
      startAzurite(),
      startScenarioCluster({ bundles: currentBundles, clock: () => clock.now() }),
      (opts.channels ?? defaultSimChannels)(clock, { actionLinks: SIM_ACTION_LINKS }),
    ] as const);
    const [azuriteStart, clusterStart, channelsStart] = started;
    if (azuriteStart.status === 'fulfilled') cleanups.push(() => azuriteStart.value.stop());
    if (clusterStart.status === 'fulfilled') cleanups.push(() => clusterStart.value.close());
    if (channelsStart.status === 'fulfilled') cleanups.push(() => channelsStart.value.close());
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    if (
      azuriteStart.status !== 'fulfilled' ||
      clusterStart.status !== 'fulfilled' ||
      channelsStart.status !== 'fulfilled'
    ) {
      throw new Error('simulation set-up failed');
    }
    const azurite = azuriteStart.value;
    const cluster = clusterStart.value;
    const channels = channelsStart.value;

    const conn = { connectionString: azurite.connectionString };
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    // Azure ML's half, when the scenario has one: the HTTPS stand-in read by the real SDK clients.
    const amlNames = await scenarioWorkspaceNames(scenario);
    let azureMl: AzureMlStandIn | undefined;
    let currentAzureml: string | undefined;
    if (amlNames.length > 0) {
      const standIn = await startAzureMlStandIn();
      azureMl = standIn;
      cleanups.push(() => standIn.close());
      currentAzureml = azuremlAt(scenario, 0);
      standIn.setWorkspaces(await azuremlStateAt(scenario, currentAzureml, amlNames));
    }
    const settings = readSettings(simulationEnv(azurite.connectionString, cluster.kubeconfigPath), {
      storage: true,
      clusters: true,
      channel: false,
    });
    const outboxName = settings.outboxQueue;
    const recheckName = settings.imageLogRecheckQueue;
    const senders = new Map<string, Sender>();
    for (const s of channels.senders) senders.set(s.kind, recordingSender(s, clock, result.deliveries));

    const rt = await buildRuntime(settings, {
      clock,
      senders,
      // Re-reads become visible at once; the simulation runs them at the next sweep step.
      options: { imageLogRecheckDelayMs: 0 },
      log,
      azureMl: azureMl
        ? azureMlSourceFromReader(
            new AzureMlReader(standInReaderOptions(azureMl)),
            amlNames.map((workspace) => ({
              subscriptionId: SIM_SUBSCRIPTION,
              resourceGroup: SIM_RESOURCE_GROUP,
              workspace,
            })),
            // The scenario's workspace storage account is Azurite.
            {
              refreshAfterMs: settings.azureMlRefreshAfterMs,
              blobAccess: () => ({ kind: 'connectionString', connectionString: azurite.connectionString }),
            },
          )
        : null,
    });
    setRuntime(rt);
    cleanups.push(() => Promise.resolve(setRuntime(undefined)));

    const queueCtx = (name: string, meta: QueueTriggerMetadata): Context =>
      context(name, {
        dequeueCount: meta.dequeueCount,
        id: meta.id,
        insertionTime: meta.insertionTime,
        popReceipt: meta.popReceipt,
      });
    const onError = (err: unknown, meta: QueueTriggerMetadata): void =>
      logLine(
        'warning',
        `host: message ${meta.id} failed on try ${meta.dequeueCount}: ${(err as Error).message}`,
      );

    const drainOutbox = async (): Promise<void> => {
      const drained = await drainQueue(
        queueClient(conn, outboxName),
        (m, meta) => deliver(m, queueCtx('deliver', meta)),
        {
          maxDequeueCount: MAX_DEQUEUE,
          poisonQueue: queueClient(conn, `${outboxName}-poison`),
          onError,
        },
      );
      result.poisoned += drained.poisoned;
    };
    let digestPending = scenario.digestAt;
    // The daily digest timer fires at `digestAt`, between the sweeps around it (or after the last one).
    const runDigestIfDue = async (before: Date | undefined): Promise<void> => {
      if (!digestPending || (before && digestPending > before)) return;
      clock.set(digestPending);
      digestPending = undefined;
      await dailyDigest(timerInfo(clock.now(), 86_400_000), context('dailyDigest'));
      await drainOutbox();
    };

    const undoLinks = new Map<string, string>();
    for (let k = 0; k < scenario.sweeps; k += 1) {
      const at = new Date(scenario.start.getTime() + k * scenario.sweepIntervalMs);
      await runDigestIfDue(at);
      clock.set(at);
      const bundles = bundlesAt(scenario, k);
      if (bundles !== currentBundles) {
        await cluster.setBundles(bundles);
        currentBundles = bundles;
      }
      const azuremlDir = azuremlAt(scenario, k);
      if (azureMl && azuremlDir !== currentAzureml) {
        azureMl.setWorkspaces(await azuremlStateAt(scenario, azuremlDir, amlNames));
        currentAzureml = azuremlDir;
      }
      opts.onStep?.(k, at, bundles);

      await drainQueue(
        queueClient(conn, recheckName),
        (m, meta) => recheckImageLog(m, queueCtx('recheckImageLog', meta)),
        {
          maxDequeueCount: MAX_DEQUEUE,
          poisonQueue: queueClient(conn, `${recheckName}-poison`),
          singlePass: true,
          onError,
        },
      );
      for (const file of scenario.events.filter((f) => f.sweep === k)) {
        for (const event of file.events) {
          await uploadEventBlob(scenario, blobs, event);
          const isBlob = (event as { eventType?: unknown } | null)?.eventType === BLOB_CREATED;
          // The host hands the handler the parsed JSON event, exactly as it came over the wire.
          if (isBlob) await onImageLog(event as EventGridEvent, context('onImageLog'));
          else await onWorkspaceEvent(event as EventGridEvent, context('onWorkspaceEvent'));
        }
      }
      for (const a of scenario.actions.filter((x) => x.sweep === k)) {
        result.actions.push(await performCardAction(a, k, channels, clock, () => context('act'), undoLinks));
      }
      await sweep(timerInfo(at, scenario.sweepIntervalMs), context('sweep'));
      await drainOutbox();
    }
    await runDigestIfDue(undefined);
    if (opts.outDir && channels.writeReceived) result.written = await channels.writeReceived(opts.outDir);
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // Keep cleaning up the rest.
      }
    }
  }
  return result;
}
