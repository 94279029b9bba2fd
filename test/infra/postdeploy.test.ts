/**
 * The azd post-deploy hook (infra/hooks/postdeploy.sh) run for real with `sh`, against a recording `az` on PATH: what
 * it asks Azure to do, with which arguments and files, and how it fails.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const HOOK = path.resolve('infra/hooks/postdeploy.sh');
const PRINCIPAL = '7d3c0f6e-5b1a-4c2d-9e8f-0a1b2c3d4e5f';
const SUB = '11111111-1111-1111-1111-111111111111';

let bin: string;
let log: string;

/** An `az` that appends its arguments (and, for --file, the file's content) to the log, then exits as told. */
function fakeAz(failDeployments: number): void {
  const script = `#!/bin/sh
n=$(cat "${bin}/count" 2>/dev/null || echo 0)
{ echo "--- az"; for a in "$@"; do echo "$a"; done; } >>"${log}"
prev=""
for a in "$@"; do
  if [ "$prev" = "--file" ]; then echo "--- file $a"; cat "$a"; fi >>"${log}"
  prev="$a"
done
if [ "$1 $2" = "deployment sub" ] && [ "$n" -lt ${failDeployments} ]; then
  echo $((n + 1)) >"${bin}/count"; echo "function not found" >&2; exit 1
fi
exit 0
`;
  writeFileSync(path.join(bin, 'az'), script);
  chmodSync(path.join(bin, 'az'), 0o755);
}

function run(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', [HOOK], {
    env: {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: bin,
      AMLMON_POSTDEPLOY_RETRY_SECONDS: '0',
      ...env,
    },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Each recorded `az` call as its argument list. */
function calls(): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('--- az\n')
    .slice(1)
    .map((c) => c.split('\n').filter((l) => l.length > 0));
}

const TOPICS = [
  {
    id: `/subscriptions/${SUB}/resourceGroups/ml/providers/Microsoft.EventGrid/systemTopics/t1`,
    kind: 'workspace',
  },
  {
    id: `/subscriptions/${SUB}/resourceGroups/ml/providers/Microsoft.EventGrid/systemTopics/t2`,
    kind: 'storage',
  },
];
const BASE = {
  AZURE_ENV_NAME: 'prod',
  AZURE_LOCATION: 'westeurope',
  AMLMON_FUNCTION_APP_ID: `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Web/sites/func-amlmon-x`,
  AMLMON_STORAGE_ACCOUNT_ID: `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/stx`,
  AMLMON_DEADLETTER_CONTAINER: 'amlmon-deadletter',
  AMLMON_IDENTITY_PRINCIPAL_ID: PRINCIPAL,
  AMLMON_EVENT_TOPICS: JSON.stringify(TOPICS),
  AMLMON_KUBERNETES_RBAC_CLUSTERS: JSON.stringify([
    `/subscriptions/${SUB}/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/aks-k8s`,
  ]),
};

beforeEach(() => {
  bin = mkdtempSync(path.join(tmpdir(), 'amlmon-hook-'));
  log = path.join(bin, 'az.log');
});

afterEach(() => {
  rmSync(bin, { recursive: true, force: true });
});

describe('infra/hooks/postdeploy.sh', () => {
  it('deploys the Event Grid subscriptions, then binds infra/rbac.yaml to the identity on Kubernetes-RBAC clusters', () => {
    fakeAz(0);
    const r = run(BASE);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [deploy, invoke, ...rest] = calls();
    expect(rest).toEqual([]);
    expect(deploy?.slice(0, 3)).toEqual(['deployment', 'sub', 'create']);
    const arg = (call: string[] | undefined, flag: string): string[] =>
      (call ?? []).flatMap((a, i, all) => (all[i - 1] === flag ? [a] : []));
    expect(arg(deploy, '--template-file')).toEqual([path.resolve('infra/events.bicep')]);
    expect(arg(deploy, '--location')).toEqual(['westeurope']);
    const params = Object.fromEntries(
      arg(deploy, '--parameters').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
    );
    expect(params).toEqual({
      functionAppId: BASE.AMLMON_FUNCTION_APP_ID,
      topics: JSON.stringify(TOPICS),
      deadLetterStorageId: BASE.AMLMON_STORAGE_ACCOUNT_ID,
      deadLetterContainer: 'amlmon-deadletter',
    });
    expect(invoke?.slice(0, 3)).toEqual(['aks', 'command', 'invoke']);
    expect(arg(invoke, '--subscription')).toEqual([SUB]);
    expect(arg(invoke, '--resource-group')).toEqual(['aks-rg']);
    expect(arg(invoke, '--name')).toEqual(['aks-k8s']);
    expect(arg(invoke, '--command')).toEqual(['kubectl apply -f rbac.yaml']);
    // The file sent to the cluster is infra/rbac.yaml with the identity as the binding's subject.
    const sent = readFileSync(log, 'utf8').split('--- file rbac.yaml\n')[1] ?? '';
    expect(sent).toContain(`name: ${PRINCIPAL}`);
    expect(sent).not.toContain('00000000-0000-0000-0000-000000000000');
    expect(sent.replaceAll(PRINCIPAL, '00000000-0000-0000-0000-000000000000')).toContain(
      readFileSync('infra/rbac.yaml', 'utf8').trim(),
    );
  });

  it('retries while the new functions are not yet visible, and gives up after five attempts', () => {
    fakeAz(2);
    const ok = run(BASE);
    expect(ok.status).toBe(0);
    expect(calls().filter((c) => c[0] === 'deployment')).toHaveLength(3);

    rmSync(log);
    rmSync(path.join(bin, 'count'));
    fakeAz(99);
    const failed = run(BASE);
    expect(failed.status).toBe(1);
    expect(calls().filter((c) => c[0] === 'deployment')).toHaveLength(5);
    expect(calls().filter((c) => c[0] === 'aks')).toHaveLength(0);
    expect(failed.stderr).toContain(
      "Event Grid subscriptions failed 5 times; rerun with 'azd hooks run postdeploy'",
    );
  });

  it('creates no subscription without workspaces, and refuses to run before provisioning', () => {
    fakeAz(0);
    const none = run({ ...BASE, AMLMON_EVENT_TOPICS: '[]', AMLMON_KUBERNETES_RBAC_CLUSTERS: '[]' });
    expect(none.status).toBe(0);
    expect(none.stdout).toContain('no workspaces, so no Event Grid subscriptions');
    expect(calls()).toEqual([]);

    const { AMLMON_FUNCTION_APP_ID: _omitted, ...unprovisioned } = BASE;
    const early = run(unprovisioned);
    expect(early.status).toBe(1);
    expect(early.stderr).toContain("AMLMON_FUNCTION_APP_ID is not set; run 'azd provision' first");
    expect(calls()).toEqual([]);
  });
});
