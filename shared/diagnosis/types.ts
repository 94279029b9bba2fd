/** The diagnosis vocabulary of docs/CONTRACT.md §2–§3: statuses, codes, details and findings. */

export type Status = 'Failed' | 'Hung' | 'Progressing' | 'Degraded' | 'Healthy' | 'Unknown';

/** Worst first, as the on-call reads a list of services: what is down, stuck or degraded before what is fine. */
export const STATUS_ORDER: readonly Status[] = [
  'Failed',
  'Hung',
  'Degraded',
  'Unknown',
  'Progressing',
  'Healthy',
];

export type Severity = 'critical' | 'warning' | 'info';

/** Codes and their details (docs/CONTRACT.md §3). A code with no details carries `detail: null`. */
export const CODE_DETAILS = {
  DeploymentRejected: ['InvalidSpec', 'PolicyDenied', 'SecretsInjectionFailed', 'Canceled', 'ServiceError'],
  ImageBuildFailure: [
    'CondaResolveFailure',
    'PipPackageNotFound',
    'PipBuildFailure',
    'BaseImagePullFailure',
    'RegistryAuthFailure',
    'BuildTimeout',
    'DockerStepFailure',
    'PipResolveFailure',
    'BuildOutOfMemory',
  ],
  PodUnschedulable: [
    'InsufficientCpu',
    'InsufficientMemory',
    'InsufficientGpu',
    'InsufficientExtendedResource',
    'NodeSelectorMismatch',
    'TaintNotTolerated',
    'TooManyPods',
    'AffinityMismatch',
    'NodesCordoned',
  ],
  PodCreateRejected: ['LimitRange', 'AdmissionWebhook', 'ServiceAccountMissing'],
  QuotaExceeded: [],
  ImagePullFailure: ['ImageNotFound', 'RegistryUnauthorized', 'RegistryUnreachable'],
  ModelMountFailure: ['VolumeDriverError', 'MountTimeout', 'ClaimPending'],
  ModelDownloadFailure: ['StorageAccessDenied', 'BlobNotFound', 'InitContainerFailed'],
  ContainerConfigError: ['MissingSecret', 'MissingConfigMap'],
  ScoringInitFailure: [
    'MissingPythonModule',
    'ImportError',
    'ModelFileNotFound',
    'EntryScriptNotFound',
    'ServerIncompatibility',
    'SyntaxError',
    'InitException',
  ],
  OutOfMemory: [],
  SlowInitProbeFailure: [],
  CrashLoopBackOff: [],
  ScoringRuntimeFailure: ['WorkerTimeout', 'Overloaded'],
  FrontendUnhealthy: [],
  NodeFailure: ['NotReady', 'DiskPressure', 'MemoryPressure', 'PIDPressure', 'NetworkUnavailable'],
  ExtensionFailure: ['IdentityNotSet', 'TokenRequestFailed', 'AcrSecretFailed', 'RelayUnreachable'],
  ComputeAttachFailure: [
    'NamespaceNotFound',
    'ComputeNotFound',
    'ComputeNotAccessible',
    'InvalidComputeConfig',
  ],
  DeploymentHung: [],
  ClusterUnreachable: ['Unauthorized', 'Forbidden', 'Timeout', 'SignInFailed'],
} as const satisfies Record<string, readonly string[]>;

export type Code = keyof typeof CODE_DETAILS;
export type DetailOf<C extends Code> = (typeof CODE_DETAILS)[C][number];
export type Detail = { [C in Code]: DetailOf<C> }[Code];

/** Pipeline stages in the order a deployment passes them; the earliest failing stage is the root cause. */
export const STAGES = [
  'monitor',
  'request',
  'build',
  'schedule',
  'pull',
  'mount',
  'configure',
  'init',
  'probes',
  'runtime',
  'platform',
  'any',
] as const;
export type Stage = (typeof STAGES)[number];

export interface Evidence {
  /** Where the line came from, e.g. `pod/<pod>/container/<c>/previous-log`, `event/<obj>/<reason>`, `build.log`. */
  source: string;
  /** The decisive line, redacted of secrets. */
  text: string;
}

/** One finding as it appears in the diagnosis JSON. */
export interface Finding {
  code: Code;
  detail: Detail | null;
  severity: Severity;
  title: string;
  explanation: string;
  evidence: Evidence[];
  remedy: string[];
  docs: string[];
  /** RFC 3339: the first signal of this finding (first crash, first FailedScheduling, ...); null when unknown. */
  since?: string | null;
  /** Exact, filled-in, read-only shell commands that confirm the cause; every name shell-quoted. */
  commands?: string[];
  /**
   * The Azure ML error code a user sees for this failure: the record's own (most specific) code when Azure ML gave
   * one, else the documented code of this failure class; `null` when none is known.
   */
  amlCode?: string | null;
}

/** One difference between the last ready revision and the failing one. Secret values are never included. */
export interface Change {
  /** What differs, e.g. `container fraud-score: image`. */
  field: string;
  before: string;
  after: string;
}

/**
 * Named specificity levels. Within a stage the higher level wins, so the names say what kind of evidence earns it.
 */
export const SPECIFICITY = {
  /** A symptom with no classification (a bare restart count, a generic event reason). */
  generic: 10,
  /** A message seen but not classified to a detail (an image pull error with no known class). */
  partial: 30,
  /** Classified from a message's wording (an event text, a stopped log). */
  classified: 50,
  /** A log line that names the failure but not its exact class (an init() exception of an unknown kind). */
  strong: 70,
  /** Decisive: an exit reason, an exact log line, a parsed traceback. */
  decisive: 90,
  /** A cluster condition that overrides the pod's own decisive signal in the same stage (a tainted NotReady node). */
  overriding: 95,
} as const;

/** What a rule returns: a finding plus what the engine needs to rank it. Stripped before output. */
export interface RuleFinding extends Finding {
  stage: Stage;
  /**
   * How specific the rule is, higher wins within a stage (e.g. a parsed traceback beats a bare CrashLoopBackOff).
   * Always one of the named `SPECIFICITY` levels.
   */
  specificity: number;
  /**
   * `cause` (default): a definitive failure. `consequence`: a symptom that is only the root cause when nothing
   * earlier explains it (CrashLoopBackOff, DeploymentHung). `advisory`: independent, never makes the status Failed.
   */
  role?: 'cause' | 'consequence' | 'advisory';
  /**
   * A consequence another finding may explain (a crash loop whose cause another rule found). The engine looks for
   * cause findings of `codes` whose evidence cites `evidenceMarker` and, when there are any, takes the title and
   * explanation from `explained(labels)`, labels being `Code/Detail` in the order of `codes`. Stripped before output.
   */
  explainable?: {
    codes: readonly Code[];
    evidenceMarker: string;
    explained(labels: string[]): { title: string; explanation: string };
  };
}

export interface Diagnosis {
  service: string;
  namespace: string;
  status: Status;
  findings: Finding[];
  gaps: string[];
  /** What differs between the failing revision and the last ready one; null when there is no earlier revision. */
  changes?: Change[] | null;
  /** Azure ML's own state of the deployment (`Transitioning`, `Failed`, `Healthy`, `Succeeded`, `Updating`, ...). */
  amlState?: string | null;
  /** RFC 3339: when Azure ML gives up on the running operation; `null` when none runs or it is unknown. */
  deadline?: string | null;
}
