/** Wires the monitor runtime of the Functions app from validated app settings. */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { aksTarget, loadKubeconfigTarget } from '../cluster/index.js';
import type { ClusterTarget } from '../cluster/types.js';
import { parseSettings, type ClusterSetting, type Env, type MonitorSettings } from '../config/settings.js';
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
  queueRecheck,
  type BlobAccess,
} from './azureAdapters.js';
import { clusterSourceFromTarget } from './clusterSource.js';
import { sendersFromEnv } from './senders.js';
import { IMAGE_LOG_TAIL_BYTES, type ClusterSource, type MonitorLog, type MonitorRuntime } from './types.js';

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
  settings: MonitorSettings,
): (workspace: string, service: string) => string | undefined {
  return (workspace, service) => {
    const ws = settings.workspaces.find((w) => w.name === workspace);
    if (!ws) return undefined;
    const [endpoint] = service.split('/');
    return `https://ml.azure.com/endpoints/realtime/${encodeURIComponent(endpoint ?? service)}/detail?wsid=${encodeURIComponent(ws.resourceId)}`;
  };
}

export async function runtimeFromSettings(
  settings: MonitorSettings,
  env: Env,
  log: MonitorLog = consoleLog,
): Promise<MonitorRuntime> {
  const credential = new DefaultAzureCredential(
    settings.storage.kind === 'identity' && settings.storage.clientId
      ? { managedIdentityClientId: settings.storage.clientId }
      : {},
  );
  const s = settings.storage;
  const tables: StorageAccess =
    s.kind === 'connectionString'
      ? { connectionString: s.connectionString }
      : { tableEndpoint: s.tableEndpoint, credential };
  const blobs: BlobAccess =
    s.kind === 'connectionString'
      ? { connectionString: s.connectionString }
      : { endpoint: s.blobEndpoint, credential };
  const queues =
    s.kind === 'connectionString'
      ? { connectionString: s.connectionString }
      : { endpoint: s.queueEndpoint, credential };

  const clusters: ClusterSource[] = [];
  for (const c of settings.clusters) clusters.push(clusterSourceFromTarget(c.name, targetOf(c, credential)));

  return {
    clock: systemClock,
    state: azureState(tables),
    clusters,
    outbox: queueOutbox(
      queueClient(queues, settings.outboxQueue),
      queueClient(queues, `${settings.outboxQueue}-poison`),
    ),
    recheck: queueRecheck(queueClient(queues, settings.imageLogRecheckQueue)),
    imageLogs: blobImageLogReader(
      imageLogBlobClient(
        settings.imageLogConnectionString
          ? { connectionString: settings.imageLogConnectionString }
          : { credential },
      ),
    ),
    evidence: blobEvidenceArchive(blobService(blobs).getContainerClient(settings.evidenceContainer)),
    senders: await sendersFromEnv(env, credential),
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
    },
    log,
    interaction: settings.interaction,
  };
}

/** Validates the settings (throwing one SettingsError listing every problem) and wires the runtime. */
export async function runtimeFromEnv(env: Env): Promise<MonitorRuntime> {
  return runtimeFromSettings(parseSettings(env), env);
}
