import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HANG_AFTER_SECONDS,
  deploymentHung,
} from '../../../shared/diagnosis/rules/deploymentHung.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  title: RegExp;
  evidence: string[];
  explanation: RegExp;
  remedy: RegExp;
}

const CASES: Record<string, Case> = {
  'DeploymentHung.none.v1-containercreating-events-expired': {
    title:
      /^Rollout of legal-ner is stuck: Kubernetes marked the rollout as failed to progress \(progressDeadlineSeconds 600\)$/,
    evidence: [
      'Progressing=False ProgressDeadlineExceeded: ReplicaSet "legal-ner-',
      'pods: 1/1 ContainerCreating, not Ready, 0 restarts',
      'events: none for this deployment',
      'logs: not available (no container has started)',
      'build log: not available',
    ],
    explanation: /never got past container creation/,
    remedy: /kubectl describe pod legal-ner-\w+-\w+ -n azureml-contoso-ml/,
  },
  'DeploymentHung.none.v2-model-download-stalled': {
    title: /^Rollout of llm-endpoint\/large is stuck: no rollout progress for 28m \d+s$/,
    evidence: [
      'no progress for 28m',
      'pods: 1/1 Init:0/1, not Ready, 0 restarts',
      'init container storageinitializer-modeldata running for 28m',
      'last log line: ',
      'Downloaded 10/38 files (15.9 GB)',
      'events: none for this deployment',
    ],
    explanation:
      /^What holds the rollout is the model download: init container storageinitializer-modeldata has been running for 28m/,
    remedy: /kubectl logs llm-endpoint-large-\w+-\w+ -c storageinitializer-modeldata -n azureml-workloads -f/,
  },
  'DeploymentHung.none.v1-service-timed-out-pods-ready': {
    title: /Azure ML gave up waiting for the deployment \(DeploymentTimedOut\)$/,
    evidence: [
      'DeploymentTimedOut: Timed out waiting for AKS deployment to complete. pollTimeout : 00:20:00',
      'pods: 1/1 Running, Ready, 0 restarts',
      'front end azureml-fe: 1/1 available',
    ],
    explanation: /Kubernetes finished the rollout and the pods are Ready/,
    remedy: /kubectl logs -n default deploy\/azureml-fe[\s\S]*az ml service update -n invoice-parser/,
  },
};

const { triggers, nearMisses } = fixturesOf('DeploymentHung');

describe('deploymentHung over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(triggers.sort()).toEqual(Object.keys(CASES).sort());
    expect(nearMisses.length).toBeGreaterThanOrEqual(2);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(deploymentHung, name);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.code).toBe('DeploymentHung');
    expect(f.detail).toBeNull();
    expect(f.role).toBe('consequence');
    expect(f.stage).toBe('any');
    expect(f.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f)).toContain(e);
    expect(f.explanation).toMatch(c.explanation);
    expect(f.remedy.join('\n')).toMatch(c.remedy);
  });

  it('says the stall once and the threshold once, and does not call a running download "no cause"', async () => {
    const [f] = await run(deploymentHung, 'DeploymentHung.none.v2-model-download-stalled');
    const all = [f!.title, f!.explanation, evidenceText(f!)].join('\n');
    expect(all.match(/no (?:rollout )?progress for 28m/gi)).toHaveLength(2); // title, and the evidence line
    expect(all.match(/threshold/g)).toHaveLength(1); // the evidence line only
    expect(f!.explanation).not.toMatch(/none is visible|no failure is visible|unless an earlier finding/i);
  });

  it('without anything specific running, says plainly that no failure is visible', async () => {
    const [f] = await run(deploymentHung, 'DeploymentHung.none.v1-containercreating-events-expired');
    expect(f!.explanation).toMatch(
      /^The last rollout progress was [\w ]+ ago\. No failure is visible in what was checked/,
    );
  });

  it.each(nearMisses)('%s: no finding', async (name) => {
    expect(await run(deploymentHung, name)).toEqual([]);
  });
});

describe('deploymentHung time awareness', () => {
  it('the same stalled download 5 minutes in is still progressing', async () => {
    const ctx = await contextOf('DeploymentHung.none.v2-model-download-stalled');
    const progressing = ctx.target.deployment!.status!.conditions!.find((c) => c.type === 'Progressing')!;
    ctx.now = new Date(progressing.lastUpdateTime!.getTime() + 300_000);
    expect(deploymentHung.diagnose(ctx)).toEqual([]);
  });

  it('one threshold with the monitor: HANG_AFTER (default 10 min), whatever progressDeadlineSeconds says', async () => {
    const ctx = await contextOf('DeploymentHung.none.v2-model-download-stalled');
    expect(ctx.target.deployment!.spec!.progressDeadlineSeconds).toBe(3600);
    const last = ctx.target.deployment!.status!.conditions!.find(
      (c) => c.type === 'Progressing',
    )!.lastUpdateTime!;
    ctx.now = new Date(last.getTime() + (DEFAULT_HANG_AFTER_SECONDS - 10) * 1000);
    expect(deploymentHung.diagnose(ctx)).toEqual([]);
    ctx.now = new Date(last.getTime() + DEFAULT_HANG_AFTER_SECONDS * 1000);
    expect(deploymentHung.diagnose(ctx)).toHaveLength(1);
  });

  it("the monitor's HANG_AFTER is the threshold when it passes one", async () => {
    const ctx = await contextOf('DeploymentHung.none.v2-model-download-stalled');
    const last = ctx.target.deployment!.status!.conditions!.find(
      (c) => c.type === 'Progressing',
    )!.lastUpdateTime!;
    ctx.hangAfterSeconds = 1200;
    ctx.now = new Date(last.getTime() + 1190_000);
    expect(deploymentHung.diagnose(ctx)).toEqual([]);
    ctx.now = new Date(last.getTime() + 1200_000);
    expect(deploymentHung.diagnose(ctx)).toHaveLength(1);
  });

  it('a paused deployment is never hung, whatever its conditions say', async () => {
    const ctx = await contextOf('DeploymentHung.none.v1-containercreating-events-expired');
    ctx.target.deployment!.spec!.paused = true;
    expect(deploymentHung.diagnose(ctx)).toEqual([]);
  });

  it('lists a recent Warning event instead of "no Warning"', async () => {
    const ctx = await contextOf('DeploymentHung.none.v1-containercreating-events-expired');
    const pod = ctx.target.pods[0]!;
    ctx.snapshot.events.push({
      metadata: { name: 'x' },
      involvedObject: {
        kind: 'Pod',
        name: pod.metadata!.name,
        namespace: pod.metadata!.namespace,
        uid: pod.metadata!.uid,
      },
      reason: 'FailedCreatePodSandBox',
      message: 'Failed to create pod sandbox: rpc error: code = DeadlineExceeded',
      type: 'Warning',
      lastTimestamp: new Date(ctx.now.getTime() - 60_000),
      count: 3,
    });
    const [f] = deploymentHung.diagnose(ctx);
    expect(evidenceText(f!)).toContain('events: 1 Warning in the last 10 min, newest FailedCreatePodSandBox');
  });
});
