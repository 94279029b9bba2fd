/**
 * The line shapes of Azure ML image build logs (ACR Task runner, classic docker and BuildKit output, conda and
 * pip), taken from real logs quoted in public issues (e.g. https://github.com/Azure/MachineLearningNotebooks/issues/194
 * for conda's `ResolvePackageNotFound`, https://github.com/microsoft/MLOpsPython/issues/80 for a failed docker step and
 * the ACR Task tail, https://github.com/Azure/azure-sdk-for-python/issues/10921 for pip's "No matching distribution")
 * and the tools' own wording; docs/DIAGNOSIS.md lists which line decides which class. Matched against a normalised
 * line (no colour codes, no timestamp).
 */

/** A cheap first test: a line that matches none of these words cannot be decisive (most lines of a long log). */
export const INTERESTING =
  /error|fail|denied|unauthori|authentication|unknown|not found|timeout|timed out|deadline|success|digest: sha256|working\.\.\.|non-zero code|exit code|Step \d|FROM |Logging in|logged in|Pushing|push refers|Executing step|Run ID|Unsatisfiable|PackagesNotFound|ResolvePackageNotFound|No matching distribution|Could not find a version|Could not build wheels|wheel for|setup\.py install|taking longer|multiple versions|toomanyrequests|naming to|writing image|load metadata|Status: |pull access|manifest|conflicting dependencies|Conda\w*(?:Error|Exception)|^---> |^#\d+ \[/i;

// --- ACR Task runner and docker structure -------------------------------------------------------------------
export const EXECUTING_STEP = /Executing step ID: (\S+?)\.? Timeout\(sec\): (\d+)/;
export const LOGGING_IN = /^Logging in to registry:?\s+(\S+)/;
export const LOGGED_IN = /^Successfully logged in(?:to)?\s+(\S+)/;
export const STEP_FROM = /^Step \d+\/\d+ : FROM\s+(\S+)/i;
export const BUILDKIT_FROM = /^#\d+ (?:\[internal\] load metadata for (\S+)|\[(?:\S+ )?1\/\d+\] FROM (\S+))/;
export const STEP_OTHER =
  /^(?:Step \d+\/\d+ : (?!FROM)|---> [0-9a-f]{12}\b|Status: (?:Downloaded newer image|Image is up to date)|#\d+ \[(?:\S+ )?\d+\/\d+\] (?!FROM))/i;
export const PUSHING =
  /^(?:Pushing image:?\s+(\S+?),?(?:\s|$)|The push refers to repository \[(\S+)\]|#\d+ pushing (\S+))/;

// --- success ----------------------------------------------------------------------------------------------------
// `Successfully built <12 hex>` only: pip prints `Successfully built <wheel names>` too.
export const SUCCESS =
  /^(?:Successfully built [0-9a-f]{12}$|Successfully tagged \S+|Successfully pushed image:? \S+|\S+: digest: sha256:[0-9a-f]{64} size: \d+|#\d+ naming to \S+(?: [\d.]+s)? done|#\d+ writing image sha256:[0-9a-f]+(?: [\d.]+s)? done)|Run ID: \S+ was successful after/;

// --- explicit timeout ---------------------------------------------------------------------------------------------
export const TIMEOUT =
  /context deadline exceeded|Timeout\(sec\).{0,40}exceeded|\b(?:step|build|run|task)\b.{0,60}\b(?:timed out|timeout exceeded|exceeded (?:its |the )?(?:timeout|time limit))/i;
/** Network retries print "timed out" too; those are not the build's timeout. */
export const TIMEOUT_NOISE =
  /^WARNING|Retrying|Read timed out|connect timeout|ReadTimeoutError|ConnectTimeoutError/i;

// --- registry and base image ----------------------------------------------------------------------------------------
export const ACR_AUTH_FAILURE = /container registry authori[sz]ation (?:failure|error)/i;
export const PULL_ACCESS_DENIED = /pull access denied for ([^\s,]+)/;
export const MANIFEST_NOT_FOUND = /manifest for (\S+) not found|manifest unknown/;
export const SOURCE_METADATA = /failed to resolve source metadata for ([^\s:]+(?::[^\s:]+)?)/;
export const SOLVE_IMAGE_NOT_FOUND =
  /failed to solve(?: with frontend \S+)?: (?:failed to create LLB definition: )?(\S+?): (?:not found|manifest unknown|pull access denied|failed to authorize|.*unauthorized)/;
export const RATE_LIMITED = /toomanyrequests:/;
export const UNAUTHORIZED =
  /unauthorized: authentication required|unauthorized: |^denied: |denied: requested access to the resource is denied|authentication required|401 Unauthorized|insufficient_scope/i;
export const LOGIN_FAILED =
  /(?:error|failed)\W.{0,30}\blog(?:ging)? ?in(?:to)? (?:to )?(?:registry|\S+\.azurecr\.io)|login (?:attempt )?(?:to \S+ )?failed|failed to login/i;
export const REGISTRY_HOST = /([a-z0-9-]+\.azurecr\.io)/i;

// --- conda -----------------------------------------------------------------------------------------------------------
/** `Solving environment: ...working... failed`, not conda ≥4.7's benign `failed with initial frozen solve. Retrying`. */
export const CONDA_SOLVE_FAILED = /^Solving environment: (?:\.\.\.working\.\.\. )?failed\s*$/;
export const CONDA_RESOLVE =
  /^(?:ResolvePackageNotFound|PackagesNotFoundError|(?:LibMamba)?UnsatisfiableError)\b/;
/** The package list conda prints under those errors: `  - numpy=1.16.0`, `  - tensorflow==1.15 -> python[...]`. */
export const LIST_ITEM = /^- (\S.*)$/;

// --- pip ----------------------------------------------------------------------------------------------------------------
export const PIP_NO_VERSION = /Could not find a version that satisfies the requirement (\S+)/;
export const PIP_NO_DISTRIBUTION = /No matching distribution found for (\S+)/;
export const PIP_FROM_VERSIONS = /\(from versions: ([^)]*)\)/;
export const PIP_CONFLICT =
  /Cannot install (.+?) because these package versions have conflicting dependencies/;
export const PIP_CONFLICT_CAUSE = /^(?:The user requested \S+|\S+ [\w.+-]+ depends on \S+)/;
export const PIP_COMMAND_ERRORED = /Command errored out with exit status \d+/;
export const PIP_SUBPROCESS_ERROR =
  /error: (?:subprocess-exited-with-error|legacy-install-failure|metadata-generation-failed)/;
export const PIP_COULD_NOT_BUILD = /Could not build wheels for ([^\s,]+)/;
export const PIP_FAILED_WHEEL = /Failed building wheel for (\S+)/;
export const PIP_STEP_ERROR =
  /(?:Building wheel for|Running setup\.py install for) (\S+)(?: \([^)]*\))? (?:\.\.\. error|: finished with status 'error')|×\s+(?:Building wheel for (\S+)|Running setup\.py install for (\S+)|python setup\.py \S+|Getting requirements to build wheel|Preparing metadata).* did not run successfully/;
export const PIP_BUILDING =
  /^(?:Building wheel for|Running setup\.py install for|Collecting) ([A-Za-z0-9][\w.-]*)/;
/** Compiler lines worth quoting under a pip build failure: they say what is missing. */
export const COMPILER_ERROR =
  /error: command '[^']+' failed|fatal error: \S+: No such file or directory|Microsoft Visual C\+\+ \S+ or greater is required|error: can't find Rust compiler/;

// --- the failing step -------------------------------------------------------------------------------------------------
export const DOCKER_COMMAND_FAILED = /The command '(.*)' returned a non-zero code: (\d+)/;
export const BUILDKIT_PROCESS_FAILED =
  /(?:process "(.*)" did not complete successfully: exit code: (\d+))|(?:executor failed running \[(.*)\]: exit code: (\d+))/;
export const NON_ZERO = /returned a non-zero code: (\d+)|Building docker image failed with exit code (\d+)/;
export const ACR_STEP_FAILED = /failed to run step ID: \S+?:|Container failed during run: \S+/;
export const RUN_FAILED = /Run ID: \S+ failed after (\S+?)\.?(?:\s|$)/;
export const GENERIC_TERMINAL =
  /^(?:ERROR: failed to solve:|Docker image build failed|Image build failed|CondaEnvException:|CondaValueError: pip returned an error)/i;

// --- stalls (the timeout signature) -----------------------------------------------------------------------------------
export const CONDA_WORKING = /^(Solving environment|Installing pip dependencies): \.\.\.working\.\.\.$/;
export const PIP_BACKTRACKING = /This is taking longer than usual|pip is looking at multiple versions of/;

// --- other error-looking lines, quoted under a generic docker step failure -------------------------------------------
export const ERROR_LINE = /^(?:ERROR:|Error:|error:|E: |\w+(?:Error|Exception):|fatal:|FATAL)/;
/** pip's resolver warning is printed as `ERROR:` but does not fail the install. */
export const ERROR_NOISE = /pip's dependency resolver does not currently take into account/;

/**
 * The patterns a line must match (after normalisation) to do more than advance the line count, the clock and the
 * last lines (INTERESTING gates the rest of the observer; ERROR_LINE and PIP_BUILDING are tried beside it). Which
 * lines can match is decided by literals (gates.ts); the build-log benchmark gives these to `grep -E` as the baseline.
 */
export const LINE_TRIGGERS: readonly RegExp[] = [INTERESTING, ERROR_LINE, PIP_BUILDING];
