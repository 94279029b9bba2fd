/** `amlmon diagnose <bundle-dir>` (offline) and `amlmon diagnose --kubeconfig ...` (live). */
import type { Command } from 'commander';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { findAmlDeployments, selectsTarget } from '../../shared/diagnosis/target.js';
import { STATUS_ORDER, type Diagnosis } from '../../shared/diagnosis/types.js';
import { BundleError, loadBundle } from '../../shared/diagnosis/bundle.js';
import { withAzureMl, type AzureMlDeps } from '../azureml.js';
import { emptySnapshot, type Snapshot } from '../../shared/snapshot/types.js';
import { inputError, usageError } from '../errors.js';
import { renderTerminalReport } from '../terminalReport.js';
import { collectLive } from '../live.js';
import { redactDeep, terminalText } from '../../shared/text/redact.js';

export interface DiagnoseOptions {
  service?: string;
  json?: boolean;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** ARM resource id of the Azure ML workspace: read Azure ML's record of the service live. */
  workspace?: string;
}

/** What the command reads Azure ML and storage with; tests pass ones pointed at the stand-in and Azurite. */
export type DiagnoseDeps = AzureMlDeps;

async function snapshotFrom(dir: string | undefined, opts: DiagnoseOptions): Promise<Snapshot> {
  if (dir && (opts.kubeconfig || opts.workspace))
    throw usageError('give either a bundle directory or --kubeconfig/--workspace, not both');
  if (!dir && !opts.kubeconfig && !opts.workspace)
    throw usageError(
      'give a bundle directory, or --kubeconfig with --namespace and --service, or --workspace with --service',
    );
  if (opts.workspace && !opts.service) throw usageError('--workspace needs --service');
  if (!opts.kubeconfig && opts.workspace) return emptySnapshot({});
  if (opts.kubeconfig) {
    if (!opts.namespace || !opts.service) throw usageError('--kubeconfig needs --namespace and --service');
    return collectLive({
      kubeconfig: opts.kubeconfig,
      context: opts.context,
      namespace: opts.namespace,
      service: opts.service,
    });
  }
  try {
    return await loadBundle(dir as string);
  } catch (err) {
    if (err instanceof BundleError) throw inputError(err.message);
    throw err;
  }
}

/**
 * `--service` on a bundle must name a service the bundle holds: a deployment in snapshot.yaml (by name, or
 * `<endpoint>/<deployment>` for v2), or the service meta.json or service.json names (a failed image build has no
 * Kubernetes objects). A typo is a usage error that lists what the bundle holds, not an "Unknown" diagnosis.
 */
function checkServiceInBundle(snapshot: Snapshot, service: string): void {
  const targets = findAmlDeployments(snapshot);
  if (targets.some((t) => selectsTarget(t, service))) return;
  const recorded = [snapshot.meta.service, snapshot.service?.name].filter((n): n is string => !!n);
  if (recorded.includes(service)) return;
  const held = [...new Set([...targets.map((t) => t.name), ...recorded])].sort();
  throw usageError(
    held.length > 0
      ? `--service ${service}: the bundle holds no such service; it holds ${held.join(', ')}`
      : `--service ${service}: the bundle holds no Azure ML deployment (v1: label isazuremlapp=true; v2: ml.azure.com/* labels)`,
  );
}

/** Runs the command and returns what to print; separated from commander for tests. */
export async function runDiagnose(
  dir: string | undefined,
  opts: DiagnoseOptions,
  color: boolean,
  deps: DiagnoseDeps = {},
): Promise<string> {
  const collected = await snapshotFrom(dir, opts);
  const snapshot = opts.workspace ? await withAzureMl(collected, opts, deps, !!opts.kubeconfig) : collected;
  if (dir && opts.service) checkServiceInBundle(snapshot, opts.service);
  // Read from Azure ML alone, the service is named as the cluster would name it (`<endpoint>-<deployment>`).
  const service = opts.workspace && !opts.kubeconfig ? snapshot.meta.service : opts.service;
  const diagnoses: Diagnosis[] = diagnoseSnapshot(snapshot, { service });
  if (opts.json) {
    // Redacted as a document (not as text): JSON stays valid and every string is clean.
    const doc = redactDeep(diagnoses.length === 1 ? diagnoses[0] : diagnoses);
    return JSON.stringify(doc, null, 2) + '\n';
  }
  if (diagnoses.length === 0)
    return 'No Azure ML deployments found in this snapshot (v1: label isazuremlapp=true; v2: ml.azure.com/* labels).\n';
  const { workspace, capturedAt } = snapshot.meta;
  // The terminal lists the worst first (the JSON array keeps the bundle's order, which scripts may rely on).
  const worstFirst = [...diagnoses].sort(
    (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status),
  );
  return worstFirst.map((d) => renderTerminalReport(d, color, { workspace, capturedAt })).join('\n');
}

export function register(program: Command): void {
  program
    .command('diagnose')
    .description('diagnose Azure ML deployments from a snapshot bundle, or live from a cluster')
    .argument('[bundle-dir]', 'snapshot bundle directory (docs/CONTRACT.md §1)')
    .option('--service <name>', 'the service (Kubernetes Deployment name, or <endpoint>/<deployment> for v2)')
    .option('--json', 'print the diagnosis JSON')
    .option('--kubeconfig <file>', 'diagnose live from the cluster of this kubeconfig')
    .option('--context <name>', 'kubeconfig context')
    .option('--namespace <ns>', 'namespace of the service (live)')
    .option(
      '--workspace <resource-id>',
      "read Azure ML's record of the service live from this workspace (ARM id)",
    )
    .action(async (dir: string | undefined, opts: DiagnoseOptions) => {
      const color = !!process.stdout.isTTY && !process.env.NO_COLOR;
      process.stdout.write(terminalText(await runDiagnose(dir, opts, color), color));
    });
}
