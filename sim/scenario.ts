/**
 * A simulation scenario directory (docs/CONTRACT.md §5): `scenario.json`, `cluster/<k>/<bundle>/` snapshot bundles,
 * `events/*.json` Event Grid events, and `blobs/<container>/<path>` blob contents for BlobCreated events.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDuration } from '../shared/config/duration.js';
import { eventList } from '../shared/events/parse.js';

export interface ScenarioEventFile {
  file: string;
  /** The sweep before which its events are delivered (0 for files without a `<k>-` prefix). */
  sweep: number;
  events: unknown[];
}

/** `actions/<k>-<name>.json`: what a person does from an alert's card at sweep `k`. */
export interface ScenarioAction {
  file: string;
  sweep: number;
  action: 'ack' | 'mute' | 'unmute';
  service: string;
  /** Mute only: `1h`, `1d` or `resolved` (the card's three mute links); default `1h`. */
  duration?: '1h' | '1d' | 'resolved';
  /** Typed into the confirmation page's reason field. */
  reason?: string;
}

export interface Scenario {
  dir: string;
  start: Date;
  sweeps: number;
  sweepIntervalMs: number;
  digestAt?: Date;
  /** Sweep index → bundle directories that are the cluster's state from that sweep on. */
  clusterSteps: Map<number, string[]>;
  events: ScenarioEventFile[];
  blobsDir: string;
  /** In sweep order, then file-name order. */
  actions: ScenarioAction[];
  /** `workspaces` of scenario.json: maps storage accounts and clusters (Azure ML computes) to workspaces. */
  workspaces: ScenarioWorkspace[];
  /** Sweep index → the `azureml/<k>/` directory that is Azure ML's state from that sweep on. */
  azuremlSteps: Map<number, string>;
}

export interface ScenarioWorkspace {
  name: string;
  storageAccount?: string;
  /** The Azure ML compute name, which is also the cluster's name in the scenario. */
  cluster?: string;
}

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ScenarioError';
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(
      file,
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ScenarioError(file, `is not valid JSON (${(err as Error).message})`);
  }
}

function time(file: string, field: string, v: unknown): Date {
  const d = typeof v === 'string' ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(String(v))) {
    throw new ScenarioError(file, `"${field}" must be an RFC 3339 time, got ${JSON.stringify(v)}`);
  }
  return d;
}

export async function loadScenario(dir: string): Promise<Scenario> {
  if (!(await isDir(dir))) throw new ScenarioError(dir, 'is not a directory');
  const file = join(dir, 'scenario.json');
  const raw = await readJson(file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ScenarioError(file, 'must be a JSON object');
  const o = raw as Record<string, unknown>;
  const start = time(file, 'start', o.start);
  const sweeps = o.sweeps;
  if (typeof sweeps !== 'number' || !Number.isInteger(sweeps) || sweeps < 1 || sweeps > 10_000) {
    throw new ScenarioError(
      file,
      `"sweeps" must be a whole number from 1 to 10000, got ${JSON.stringify(sweeps)}`,
    );
  }
  const interval = typeof o.sweepInterval === 'string' ? parseDuration(o.sweepInterval) : undefined;
  if (interval === undefined) {
    throw new ScenarioError(
      file,
      `"sweepInterval" must be a duration such as "2m", got ${JSON.stringify(o.sweepInterval)}`,
    );
  }
  const digestAt = o.digestAt === undefined ? undefined : time(file, 'digestAt', o.digestAt);

  const clusterDir = join(dir, 'cluster');
  const clusterSteps = new Map<number, string[]>();
  if (await isDir(clusterDir)) {
    for (const step of (await readdir(clusterDir)).sort()) {
      if (!/^\d+$/.test(step))
        throw new ScenarioError(
          join(clusterDir, step),
          'cluster step folders must be named by sweep number (0, 1, ...)',
        );
      const stepDir = join(clusterDir, step);
      const bundles: string[] = [];
      for (const b of (await readdir(stepDir)).sort())
        if (await isDir(join(stepDir, b))) bundles.push(join(stepDir, b));
      clusterSteps.set(Number(step), bundles);
    }
  }
  if (!clusterSteps.has(0))
    throw new ScenarioError(clusterDir, 'must have a 0/ folder (the cluster at the start)');

  const events: ScenarioEventFile[] = [];
  const eventsDir = join(dir, 'events');
  if (await isDir(eventsDir)) {
    for (const name of (await readdir(eventsDir)).filter((n) => n.endsWith('.json')).sort()) {
      const m = /^(\d+)-/.exec(name);
      events.push({
        file: join(eventsDir, name),
        sweep: m ? Number(m[1]) : 0,
        events: eventList(await readJson(join(eventsDir, name))),
      });
    }
  }
  // Unprefixed files come before the first sweep; within a sweep, file-name order.
  events.sort(
    (a, b) =>
      a.sweep - b.sweep ||
      Number(/^\d+-/.test(a.file.split('/').pop() ?? '')) -
        Number(/^\d+-/.test(b.file.split('/').pop() ?? '')),
  );
  const actions = await loadActions(join(dir, 'actions'));
  const workspaces = scenarioWorkspaces(file, o.workspaces);
  const azuremlDir = join(dir, 'azureml');
  const azuremlSteps = new Map<number, string>();
  if (await isDir(azuremlDir)) {
    for (const step of (await readdir(azuremlDir)).sort()) {
      if (!/^\d+$/.test(step))
        throw new ScenarioError(
          join(azuremlDir, step),
          'azureml step folders must be named by sweep number (0, 1, ...)',
        );
      azuremlSteps.set(Number(step), join(azuremlDir, step));
    }
  }
  return {
    workspaces,
    azuremlSteps,
    dir,
    actions,
    start,
    sweeps,
    sweepIntervalMs: interval,
    digestAt,
    clusterSteps,
    events,
    blobsDir: join(dir, 'blobs'),
  };
}

const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,32}$/;

/** `workspaces` as docs/schema/scenario.schema.json describes it: `[{name, storageAccount?, cluster?}]`. */
function scenarioWorkspaces(file: string, raw: unknown): ScenarioWorkspace[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ScenarioError(file, '"workspaces" must be an array of {"name", ...}');
  return raw.map((w, i) => {
    const o = (typeof w === 'object' && w !== null && !Array.isArray(w) ? w : {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || !WORKSPACE_NAME.test(o.name))
      throw new ScenarioError(
        file,
        `"workspaces[${i}].name" must be an Azure ML workspace name (letters, digits, - and _), got ${JSON.stringify(o.name)}`,
      );
    for (const key of ['storageAccount', 'cluster'] as const)
      if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === ''))
        throw new ScenarioError(file, `"workspaces[${i}].${key}" must be a non-empty string`);
    const unknown = Object.keys(o).filter((k) => !['name', 'storageAccount', 'cluster'].includes(k));
    if (unknown.length > 0)
      throw new ScenarioError(file, `"workspaces[${i}]" has unknown field(s): ${unknown.join(', ')}`);
    return {
      name: o.name,
      ...(typeof o.storageAccount === 'string' ? { storageAccount: o.storageAccount } : {}),
      ...(typeof o.cluster === 'string' ? { cluster: o.cluster } : {}),
    };
  });
}

/** The `azureml/<k>/` that applies at sweep `k` (the highest step not above it, as a whole), if any. */
export function azuremlAt(s: Scenario, k: number): string | undefined {
  let best: number | undefined;
  for (const step of s.azuremlSteps.keys()) if (step <= k && (best === undefined || step > best)) best = step;
  return best === undefined ? undefined : s.azuremlSteps.get(best);
}

/** The bundles that make the cluster's state at sweep `k`: the highest step not above `k`. */
export function bundlesAt(s: Scenario, k: number): string[] {
  let best = 0;
  for (const step of s.clusterSteps.keys()) if (step <= k && step > best) best = step;
  return s.clusterSteps.get(best) ?? [];
}

const ACTION_DURATIONS: Record<string, ScenarioAction['duration']> = {
  '1h': '1h',
  '60m': '1h',
  '1d': '1d',
  '24h': '1d',
  resolved: 'resolved',
  'until resolved': 'resolved',
};

async function loadActions(actionsDir: string): Promise<ScenarioAction[]> {
  if (!(await isDir(actionsDir))) return [];
  const out: ScenarioAction[] = [];
  for (const name of (await readdir(actionsDir)).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(actionsDir, name);
    const m = /^(\d+)-/.exec(name);
    if (!m)
      throw new ScenarioError(file, 'action files are named <sweep>-<name>.json (e.g. 3-mute-churn.json)');
    const raw = await readJson(file);
    const o = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<
      string,
      unknown
    >;
    if (o.action !== 'ack' && o.action !== 'mute' && o.action !== 'unmute')
      throw new ScenarioError(
        file,
        `"action" must be "ack", "mute" or "unmute", got ${JSON.stringify(o.action)}`,
      );
    if (typeof o.service !== 'string' || o.service === '')
      throw new ScenarioError(file, '"service" must name the deployment whose card is clicked');
    let duration: ScenarioAction['duration'];
    if (o.duration !== undefined) {
      duration = typeof o.duration === 'string' ? ACTION_DURATIONS[o.duration.toLowerCase()] : undefined;
      if (!duration || o.action !== 'mute')
        throw new ScenarioError(
          file,
          `"duration" is for "mute" only and must be "1h", "1d" or "resolved" (the card's mute links), got ${JSON.stringify(o.duration)}`,
        );
    }
    if (o.reason !== undefined && typeof o.reason !== 'string')
      throw new ScenarioError(file, '"reason" must be a string');
    out.push({
      file,
      sweep: Number(m[1]),
      action: o.action,
      service: o.service,
      ...(duration ? { duration } : {}),
      ...(typeof o.reason === 'string' ? { reason: o.reason } : {}),
    });
  }
  return out.sort((a, b) => a.sweep - b.sweep);
}
