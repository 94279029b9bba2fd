/**
 * A rule is one small pure detector (one file per rule, like k8sgpt's analyzers). It looks at one Azure ML
 * deployment in a snapshot and returns what it found; it never does I/O and never reads the clock.
 */
import type { CoreV1Event, V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { Snapshot } from '../snapshot/types.js';
import type { RuleFinding, Stage } from './types.js';

export type AmlFlavor = 'v1' | 'v2';

/** One Azure ML deployment found in a snapshot, with the objects that belong to it. */
export interface AmlDeployment {
  flavor: AmlFlavor;
  /** The Kubernetes Deployment's name: the service name everywhere (JSON, --service). */
  name: string;
  namespace: string;
  /** v2 only: `ml.azure.com/endpoint-name` and `ml.azure.com/deployment-name`. */
  endpoint?: string;
  deploymentName?: string;
  workspace?: string;
  deployment?: V1Deployment;
  replicaSets: V1ReplicaSet[];
  /** Pods of this deployment, newest first. */
  pods: V1Pod[];
}

export interface RuleContext {
  target: AmlDeployment;
  snapshot: Snapshot;
  /** The capture time: "now" for every time-based judgement. */
  now: Date;
  /** HANG_AFTER in seconds: no rollout progress for this long is a hang (default DEFAULT_HANG_AFTER_SECONDS). */
  hangAfterSeconds?: number;
}

export interface Rule {
  /** Stable id, the file name without extension, e.g. `podUnschedulable`. */
  id: string;
  /** The stage this rule reports on (a rule that reports on several picks per finding). */
  stage: Stage;
  diagnose(ctx: RuleContext): RuleFinding[];
}

/** Events are passed around a lot; this alias keeps signatures short. */
export type KubeEvent = CoreV1Event;
