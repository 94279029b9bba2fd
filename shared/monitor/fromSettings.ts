/** Wires the monitor runtime from validated settings: for the Functions app, `amlmon simulate` and `amlmon watch`. */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { aksTarget, loadKubeconfigTarget } from '../cluster/index.js';
import type { ClusterTarget } from '../cluster/types.js';
import {
  parseSettings,
  type ClusterSetting,
  type Env,
  type Settings,
  type StorageSetting,
} from '../config/settings.js';
import { diagnoseSnapshot } from '../diagnosis/engine.js';
import { systemClock } from '../time/clock.js';
import { azureState, type StorageAccess } from '../state/azureState.js';
import {
  blobEvidenceArchive,
  blobImageLogReader,
  blobService,
  imageLogBlobClient,
  queueClient,
  queueOutbox,
  queueChat,
  queueRecheck,
  type BlobAccess,
} from './azureAdapters.js';
import { clusterSourceFromTarget } from './clusterSource.js';
import { AzureMlReader } from '../azureml/reader.js';
import { azureMlSourceFromReader } from './azureMlSource.js';
import { workspaceBlobAccess } from '../azureml/deploymentBlobs.js';
import { sendersFor } from './senders.js';
import type { Sender } from '../notify/types.js';
import type { Clock } from '../time/clock.js';
import {
  type AzureMlSource,
  CHAT_QUEUE,
  IMAGE_LOG_TAIL_BYTES,
  type ClusterSource,
  type MonitorLog,
  type MonitorOptions,
  type MonitorRuntime,
} from './types.js';

const consoleLog: MonitorLog = {
  debug: (m) => console.debug(m),
  info: (m) => console.info(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

function targetOf(c: ClusterSetting, credential: TokenCredential): ClusterTarget {
  if (c.kind === 'aks') return aksTarget({ resourceId: c.resourceId, credential });
  // The setting holds the kubeconfig YAML (typically a Key Vault reference) or, locally, a file path; never logged.
  return loadKubeconfigTarget({ kubeconfig: c.kubeconfig });
}

export function portalUrlFor(
  settings: Pick<Settings, 'workspaces'>,
): (workspace: string, service: string) => string | undefined {
  return (workspace, service) => {
    const ws = settings.workspaces.find((w) => w.name === workspace);
    if (!ws) return undefined;
    const [endpoint] = service.split('/');
    return `https://ml.azure.com/endpoints/realtime/${encodeURIComponent(endpoint ?? service)}/detail?wsid=${encodeURIComponent(ws.resourceId)}`;
  };
}

/** What a caller brings instead of what the settings describe. */
export interface RuntimeParts {
  clock?: Clock;
  log?: MonitorLog;
  /** Instead of the clusters in the settings (`amlmon watch` names one by kubeconfig and context). */
  clusters?: ClusterSource[];
  /** Instead of the channels in the settings (`amlmon simulate` delivers to its stand-ins). */
  senders?: Map<string, Sender>;
  /** Delivered to before the channels in the settings (`amlmon watch` prints to the terminal). */
  extraSenders?: Sender[];
  /** Local state, outbox and archive instead of Azure Storage (`amlmon watch`). */
  local?: Pick<MonitorRuntime, 'state' | 'outbox' | 'recheck' | 'imageLogs' | 'evidence'>;
  /** Azure ML's records from elsewhere (`amlmon simulate`: the stand-in); `null`: do not read Azure ML. */
  azureMl?: AzureMlSource | null;
  /** Options that differ from the settings (the simulation re-reads image logs at once). */
  options?: Partial<MonitorOptions>;
}

type StoragePart = Pick<
  MonitorRuntime,
  'state' | 'outbox' | 'recheck' | 'imageLogs' | 'evidence' | 'chatQueue'
>;

function azureStorage(
  settings: Settings,
  storage: StorageSetting,
  credential: () => TokenCredential,
): StoragePart {
  const s = storage;
  const tables: StorageAccess =
    s.kind === 'connectionString'
      ? { connectionString: s.connectionString }
      : { tableEndpoint: s.tableEndpoint, credential: credential() };
  const blobs: BlobAccess =
    s.kind === 'connectionString'
      ? { connectionString: s.connectionString }
      : { endpoint: s.blobEndpoint, credential: credential() };
  const queues =
    s.kind === 'connectionString'
      ? { connectionString: s.connectionString }
      : { endpoint: s.queueEndpoint, credential: credential() };
  return {
    state: azureState(tables),
    outbox: queueOutbox(
      queueClient(queues, settings.outboxQueue),
      queueClient(queues, `${settings.outboxQueue}-poison`),
    ),
    recheck: queueRecheck(queueClient(queues, settings.imageLogRecheckQueue)),
    chatQueue: queueChat(queueClient(queues, CHAT_QUEUE)),
    imageLogs: blobImageLogReader(
      imageLogBlobClient(
        settings.imageLogConnectionString
          ? { connectionString: settings.imageLogConnectionString }
          : { credential: credential() },
      ),
    ),
    evidence: blobEvidenceArchive(blobService(blobs).getContainerClient(settings.evidenceContainer)),
  };
}

/** One Azure credential per managed identity client id, made when first needed. */
function credentials(): (clientId: string | undefined) => TokenCredential {
  const made = new Map<string, TokenCredential>();
  return (clientId) => {
    const key = clientId ?? '';
    let c = made.get(key);
    if (!c) {
      c = new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
      made.set(key, c);
    }
    return c;
  };
}

/**
 * The one runtime builder: the Functions app (everything from the settings), `amlmon simulate` (Azurite storage and
 * the scenario cluster from settings it writes, its stand-in senders and simulated clock) and `amlmon watch` (local
 * state, one kubeconfig cluster, the terminal plus the configured channels).
 */
export async function buildRuntime(settings: Settings, parts: RuntimeParts = {}): Promise<MonitorRuntime> {
  const credentialFor = credentials();
  const storageClientId = settings.storage?.kind === 'identity' ? settings.storage.clientId : undefined;
  // Storage and clusters use the storage identity; other Azure calls (ACS_ENDPOINT) AZURE_CLIENT_ID when set.
  const hostCredential = (): TokenCredential => credentialFor(storageClientId);
  const channelCredential = (): TokenCredential => credentialFor(settings.azureClientId ?? storageClientId);

  let storage: StoragePart;
  if (parts.local) storage = parts.local;
  else if (settings.storage) storage = azureStorage(settings, settings.storage, hostCredential);
  else throw new Error('the monitor runtime needs storage: set AzureWebJobsStorage');

  const clusters =
    parts.clusters ??
    settings.clusters.map((c) =>
      clusterSourceFromTarget(
        c.name,
        targetOf(c, hostCredential()),
        c.kind === 'aks' ? c.resourceId : undefined,
      ),
    );
  const senders = new Map<string, Sender>();
  for (const s of parts.extraSenders ?? []) senders.set(s.kind, s);
  for (const [kind, s] of parts.senders ?? sendersFor(settings.channels, channelCredential))
    senders.set(kind, s);

  // Azure ML's half: two lists per configured workspace per sweep, with the host's identity (Reader on the workspace);
  // its deployment cache lives as long as this runtime (one per process).
  const azureMl =
    parts.azureMl === undefined
      ? settings.workspaces.length > 0
        ? azureMlSourceFromReader(
            new AzureMlReader({ credential: hostCredential() }),
            settings.workspaces.map((w) => ({
              subscriptionId: w.subscriptionId,
              resourceGroup: w.resourceGroup,
              workspace: w.name,
            })),
            {
              refreshAfterMs: settings.azureMlRefreshAfterMs,
              // The workspace's own storage account (from its ARM facts) with the host's identity; Azurite locally.
              blobAccess: (facts) =>
                settings.imageLogConnectionString
                  ? { kind: 'connectionString', connectionString: settings.imageLogConnectionString }
                  : workspaceBlobAccess(facts, hostCredential()),
            },
          )
        : undefined
      : (parts.azureMl ?? undefined);

  return {
    clock: parts.clock ?? systemClock,
    ...(azureMl ? { azureMl } : {}),
    ...storage,
    clusters,
    senders,
    diagnose: diagnoseSnapshot,
    options: {
      hangAfterMs: settings.hangAfterMs,
      repeatAfterMs: settings.repeatAfterMs,
      groupOver: settings.groupOver,
      imageLogRecheckDelayMs: settings.imageLogRecheckDelayMs,
      imageLogMaxRechecks: settings.imageLogMaxRechecks,
      imageLogTailBytes: IMAGE_LOG_TAIL_BYTES,
      workspaces: settings.workspaces.map((w) => w.name),
      portalUrl: portalUrlFor(settings),
      digest: { timeZone: settings.digest.timeZone, sendWhenQuiet: settings.digest.sendWhenQuiet },
      ...parts.options,
    },
    log: parts.log ?? consoleLog,
    ...(settings.interaction ? { interaction: settings.interaction } : {}),
  };
}

/** Validates the settings (throwing one SettingsError listing every problem) and wires the runtime. */
export async function runtimeFromEnv(env: Env): Promise<MonitorRuntime> {
  return buildRuntime(parseSettings(env));
}
