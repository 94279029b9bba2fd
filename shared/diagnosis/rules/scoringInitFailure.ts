/**
 * ScoringInitFailure: the scoring server started, ran the entry script and it failed (missing package, bad import,
 * model file not found, no entry script, server/Flask mismatch, syntax error, any other exception in init()).
 * Read from the crashed instance's log (`--previous`) and the current one; a container that is serving now is
 * past any earlier crash and is left alone.
 */
import { pipPackageFor } from '../logs/pipPackages.js';
import { SPECIFICITY } from '../types.js';
import { DOCS } from '../docs.js';
import { clip, redact } from '../../text/redact.js';
import { evidence, podSource } from '../context.js';
import type { ClassifiedFailure } from '../logs/initFailureClass.js';
import { comparePaths, filesInFolder, registeredModelFiles } from '../signals/modelPaths.js';
import type { FatalInitError } from '../logs/scoringLog.js';
import type { AmlDeployment, Rule, RuleContext } from '../rule.js';
import type { DetailOf, Evidence, RuleFinding } from '../types.js';
import type { ScoringContainer } from '../signals/scoringContainer.js';
import { hasCrashed, podScope, scoringContainers, statusEvidence } from '../signals/scoringContainer.js';

type InitDetail = DetailOf<'ScoringInitFailure'>;

interface Hit {
  sc: ScoringContainer;
  fatal: FatalInitError & { failure: ClassifiedFailure & { kind: InitDetail } };
  part: 'log' | 'previous-log';
}

function isInitDetail(kind: string): kind is InitDetail {
  return kind !== 'MemoryError';
}

/** The failure that stopped this container, if its logs show one and the container is in fact down or crashing. */
function hitOf(sc: ScoringContainer): Hit | undefined {
  if (sc.status?.ready) return undefined;
  const crashed = hasCrashed(sc.status);
  for (const [part, log] of [
    ['log', sc.current],
    ['previous-log', sc.previous],
  ] as const) {
    const fatal = log?.fatal;
    if (!fatal || !isInitDetail(fatal.failure.kind)) continue;
    if (!fatal.confirmed && !crashed) continue;
    return { sc, fatal: fatal as Hit['fatal'], part };
  }
  return undefined;
}

/** Redacts before cutting, so a clipped secret can never survive as a fragment the redactor no longer recognises. */
function shorten(text: string, max = 140): string {
  const clean = redact(text);
  return clip(clean, max);
}

/** `cannot import name 'X' from 'Y' (/long/site-packages/path.py)` → without the path, for titles. */
function withoutLocation(message: string): string {
  return message.replace(/\s+\((?:\/|unknown location)[^)]*\)\s*$/, '');
}

function fileName(path: string): string {
  return path.split('/').pop() ?? path;
}

function title(f: ClassifiedFailure & { kind: InitDetail }): string {
  const msg = shorten(withoutLocation(f.exception.message || f.exception.text));
  const where = f.frame?.func === '<module>' ? `${fileName(f.frame.file)} failed to import` : 'init() failed';
  switch (f.kind) {
    case 'MissingPythonModule':
    case 'ImportError':
      return `${where}: ${msg}`;
    case 'ModelFileNotFound':
      return `init() could not find the model file: ${f.path ?? msg}`;
    case 'EntryScriptNotFound':
      return `The scoring server could not find the entry script: ${msg}`;
    case 'ServerIncompatibility':
      return f.importFrom
        ? `The scoring server's Flask stack is incompatible with the installed ${f.importFrom}: ${msg}`
        : `The scoring server is incompatible with the installed Flask: ${msg}`;
    case 'SyntaxError':
      return f.frame
        ? `Syntax error in ${fileName(f.frame.file)} line ${f.frame.lineNo}: ${msg}`
        : `Syntax error in the entry script: ${msg}`;
    case 'InitException':
      return `init() raised ${f.exception.type ? `${f.exception.type.split('.').pop()}: ` : ''}${msg}`;
  }
}

function redeployWord(target: AmlDeployment): string {
  return target.flavor === 'v1'
    ? 'redeploy (Model.deploy / service.update with the new InferenceConfig)'
    : 'update the deployment (az ml online-deployment update -f <deployment>.yml)';
}

/**
 * Imports that moved out of a package for good: pinning an old version would only trade one crash for another on
 * the next import, so the fix is the new import. Keyed by `from` module and name.
 */
const MOVED_APIS: Record<string, string> = {
  'sklearn.externals joblib':
    "sklearn.externals.joblib was removed from scikit-learn: replace `from sklearn.externals import joblib` with `import joblib` and add joblib to the environment's pip dependencies (a model pickled with the old path loads with joblib.load once the import is fixed)",
  'sklearn.externals six':
    "sklearn.externals.six was removed from scikit-learn: replace `from sklearn.externals import six` with `import six` and add six to the environment's pip dependencies",
};

function movedApi(from: string, name: string): string | undefined {
  return MOVED_APIS[`${from} ${name}`];
}

function remedy(
  target: AmlDeployment,
  f: ClassifiedFailure & { kind: InitDetail },
  /** The registered model file closest to the path init() opened (v1, from InitContainerConfig). */
  registeredFile?: string,
): string[] {
  const v1 = target.flavor === 'v1';
  const where = f.frame ? ` (${fileName(f.frame.file)} line ${f.frame.lineNo})` : '';
  const redeploy = redeployWord(target);
  switch (f.kind) {
    case 'MissingPythonModule': {
      const pip = f.pipPackage ?? f.module ?? 'the missing package';
      if (f.unpicklingMismatch) {
        return [
          `The model was saved with a different ${pip} version: '${f.module}' does not exist in the installed one. Pin ${pip} in the environment to the exact version used for training (see the training run's environment) and ${redeploy}.`,
          'Alternatively re-save the model with the version the environment installs.',
        ];
      }
      const named =
        f.module && f.module.split('.')[0] !== pip
          ? ` (the import name '${f.module}' comes from the pip package '${pip}')`
          : '';
      return [
        `Add ${pip} to the environment's pip dependencies${named} and ${redeploy}.`,
        v1
          ? `v1: CondaDependencies.add_pip_package("${pip}") on the Environment used by the InferenceConfig, or a "- ${pip}" line under pip: in its conda YAML; keep azureml-defaults in the list.`
          : `v2: add "- ${pip}" under pip: in the environment's conda file (environment.conda_file in the deployment YAML), or bake it into a custom image.`,
        'Reproduce locally before redeploying: pip install azureml-inference-server-http, then azmlinfsrv --entry_script score.py.',
      ];
    }
    case 'ImportError':
      if (f.sharedLibrary) {
        return [
          `The Python package is installed but the system library ${f.sharedLibrary} is missing from the image${where}: use a package variant that bundles it (for OpenCV, opencv-python-headless instead of opencv-python), or install the OS package that provides it (for libGL.so.1: apt-get install -y libgl1) in a custom Dockerfile / base image, and ${redeploy}.`,
          'Reproduce locally with the same image: docker run it, or azmlinfsrv --entry_script score.py in the same environment.',
        ];
      }
      if (f.importName && f.importFrom) {
        const moved = movedApi(f.importFrom, f.importName);
        if (moved)
          return [
            `${moved}${where}, and ${redeploy}.`,
            'Reproduce locally with the same environment: azmlinfsrv --entry_script score.py.',
          ];
        const pkg = pipPackageFor(f.importFrom.split('.')[0] ?? f.importFrom);
        return [
          `The installed ${pkg} has no '${f.importName}'${f.importFrom === pkg ? '' : ` in ${f.importFrom}`}${where}. Check which ${pkg} version the code was written against (pip show ${pkg} in the training environment), then pin ${pkg} to that version in the environment's pip dependencies (or change the import to where the installed version keeps '${f.importName}') and ${redeploy}.`,
          'Reproduce locally with the same environment: azmlinfsrv --entry_script score.py.',
        ];
      }
      return [
        `Fix the failing import${where}: a package is missing a native library or has an incompatible version; check the versions the environment installs against the ones the code was written for, pin them, and ${redeploy}.`,
        'Reproduce locally with the same environment: azmlinfsrv --entry_script score.py.',
      ];
    case 'ModelFileNotFound':
      if (registeredFile && !registeredFile.endsWith('/') && f.path) {
        // The cluster says which file is there: the fix is the path in score.py, not the registration.
        const rel = /\/azureml-models\/[^/]+\/[^/]+\/(.+)$/.exec(registeredFile)?.[1];
        return [
          `Fix the path in score.py: init() opened ${f.path}, the registered model file is ${registeredFile}${rel ? ` (os.path.join(os.getenv('AZUREML_MODEL_DIR'), '${rel}'))` : ''}; then ${redeploy}.`,
          'List what was actually delivered: the log prints "Model Directory Contents" after the failure (azmlinfsrv), or kubectl exec into a running replica and ls the model directory.',
        ];
      }
      return [
        v1
          ? `Load the model from Model.get_model_path('<registered name>') or os.path.join(os.getenv('AZUREML_MODEL_DIR'), '<file>'): models are mounted under /var/azureml-app/azureml-models/<name>/<version>/; check the name and version registered with the deployment${f.path ? ` (looked for ${f.path})` : ''}.`
          : `Build the path from os.getenv('AZUREML_MODEL_DIR'), which keeps the registered model's folder layout (e.g. AZUREML_MODEL_DIR/<folder>/<file>); check the model referenced by the deployment YAML${f.path ? ` (looked for ${f.path})` : ''}.`,
        'List what was actually delivered: the log prints "Model Directory Contents" after the failure (azmlinfsrv), or kubectl exec into a running replica and ls the model directory.',
      ];
    case 'EntryScriptNotFound':
      return [
        v1
          ? 'Point InferenceConfig(entry_script=..., source_directory=...) at the scoring script: entry_script is relative to source_directory, and the server imports it as main.py.'
          : 'Point code_configuration.scoring_script at the scoring script relative to code_configuration.code in the deployment YAML.',
        `Then ${redeploy}.`,
      ];
    case 'ServerIncompatibility':
      if (f.importFrom) {
        return [
          `The scoring server predates ${f.importFrom} ${f.importFrom === 'jinja2' ? '3.1' : '2.1'}: pin ${f.importFrom === 'jinja2' ? 'jinja2<3.1' : `${f.importFrom}<2.1`} in the environment's pip dependencies, or upgrade azureml-defaults to >=1.43 (azureml-inference-server-http >=0.4.13), and ${redeploy}.`,
        ];
      }
      return [
        `Old azureml-server images do not support Flask 2: upgrade azureml-defaults (>=1.43) / azureml-inference-server-http (>=0.7) so the image is rebuilt with a current server, or pin flask<2.0 in the environment, and ${redeploy}.`,
      ];
    case 'SyntaxError':
      return [
        `Fix the syntax error${where} and ${redeploy}.`,
        'Catch it before deploying: python -m py_compile score.py, or run azmlinfsrv --entry_script score.py locally.',
      ];
    case 'InitException':
      // azmlinfsrv / aml_blueprint look up init and run on the entry module; v2 calls this UserScriptFunctionNotFound.
      if (/has no attribute '(init|run)'/.test(f.exception.message)) {
        return [
          `The entry script must define both init() and run() at module level${where}; add the missing function and ${redeploy}.`,
        ];
      }
      return [
        `Fix the exception raised in init()${where}: ${shorten(withoutLocation(f.exception.text), 160)}.`,
        `Reproduce locally with the same environment (azmlinfsrv --entry_script score.py) and ${redeploy}.`,
      ];
  }
}

function docs(target: AmlDeployment, kind: InitDetail): string[] {
  const base: string[] =
    target.flavor === 'v1'
      ? [DOCS.troubleshootV1, DOCS.debugImage]
      : [DOCS.troubleshootOnline, DOCS.inferenceServer];
  if (kind === 'MissingPythonModule' || kind === 'ImportError' || kind === 'ServerIncompatibility')
    base.push(DOCS.environments);
  if (kind === 'EntryScriptNotFound' || kind === 'ModelFileNotFound')
    base.push(target.flavor === 'v1' ? DOCS.entryScriptV1 : DOCS.kubernetesOnlineYaml);
  return base;
}

/** ModelFileNotFound: the opened path against the files registered with the deployment, when the cluster says. */
function modelPathComparison(ctx: RuleContext, hit: Hit) {
  const f = hit.fatal.failure;
  if (f.kind !== 'ModelFileNotFound' || !f.path?.startsWith('/')) return undefined;
  const registered = registeredModelFiles(ctx.snapshot, hit.sc.pod);
  if (!registered) return undefined;
  const folderFiles = new Map(
    [...registered.folders].map(([folder, prefix]) => [
      folder,
      filesInFolder(folder, prefix, ctx.snapshot.blobs ?? []),
    ]),
  );
  const cmp = comparePaths(f.path, registered.paths, folderFiles);
  return cmp ? { ...cmp, configMap: registered.configMap } : undefined;
}

function evidenceOf(hit: Hit, ctx: RuleContext): Evidence[] {
  const { sc, fatal, part } = hit;
  const source = podSource(sc.pod, sc.container.name, part);
  const out: Evidence[] = [evidence(source, fatal.failure.exception.text)];
  if (fatal.failure.frame) out.push(evidence(source, fatal.failure.frame.text));
  const log = part === 'log' ? sc.current : sc.previous;
  if (log?.failureMarker && log.failureMarker.index !== fatal.failure.exception.index)
    out.push(evidence(source, log.failureMarker.message));
  const status = statusEvidence(sc);
  if (status) out.push(status);
  const cmp = modelPathComparison(ctx, hit);
  if (cmp?.folder)
    out.push(
      evidence(
        `configmap/${cmp.configMap}/InitContainerConfig`,
        `registered model folder: ${cmp.folder}${cmp.closest !== cmp.folder ? ` (blobs.json 200: ${cmp.closest})` : ''}`,
      ),
    );
  else if (cmp)
    out.push(
      evidence(`configmap/${cmp.configMap}/InitContainerConfig`, `registered model file: ${cmp.closest}`),
    );
  // The monitor's own check of the model blobs: a 404 says the file is absent because storage no longer has it.
  // Uploaded Python sources are the entry script and its dependencies, not model files.
  if (fatal.failure.kind === 'ModelFileNotFound')
    for (const b of ctx.snapshot.blobs ?? [])
      if (b.status === 404 && !/\.py$/i.test(b.path))
        out.push(evidence('blobs.json', `blobs.json: ${b.container}/${b.path} 404`));
  return out;
}

/** What failed, in words that fit the detail: the user's script, the entry script lookup or the server itself. */
function whatFailed(f: ClassifiedFailure & { kind: InitDetail }, container: string): string {
  const where = f.frame
    ? ` at ${f.frame.file} line ${f.frame.lineNo}${f.frame.func ? ` in ${f.frame.func}` : ''}`
    : '';
  const type = f.exception.type ? f.exception.type.split('.').pop() : undefined;
  switch (f.kind) {
    case 'EntryScriptNotFound':
      return `the scoring server in ${container} could not find or import the entry script`;
    case 'ServerIncompatibility':
      return `the scoring server in ${container} failed while loading its own web stack (Flask/jinja2/werkzeug), before the entry script ran`;
    default:
      return `the scoring container ${container} ran the entry script and it ${type ? `raised ${type}` : 'failed'}${where}`;
  }
}

function explanation(ctx: RuleContext, hit: Hit, pods: number): string {
  const { sc, fatal, part } = hit;
  const f = fatal.failure;
  const restarts = sc.status?.restartCount ?? 0;
  // The exit code is the container's own (its last termination), never a constant: servers differ (3, 1, 111...).
  const term = sc.status?.state?.terminated ?? sc.status?.lastState?.terminated;
  const exited = term?.exitCode !== undefined ? ` and exited (exit code ${term.exitCode})` : ' and stopped';
  const how = fatal.confirmed
    ? `The server logged the failure${exited}`
    : 'The traceback is the last thing the container logged before it stopped';
  const loop =
    restarts > 0
      ? `, and Kubernetes has restarted the container ${restarts} time${restarts > 1 ? 's' : ''}`
      : '';
  const cmp = modelPathComparison(ctx, hit);
  return (
    `During start-up (stage: init) ${whatFailed(f, sc.container.name)}: "${shorten(f.exception.text, 200)}". ` +
    (cmp ? `${cmp.sentence}. ` : '') +
    `${how}${loop}; the container never became ready. ` +
    `Seen in the ${part === 'previous-log' ? 'previous (crashed) instance' : 'current'} log of ${sc.pod.metadata?.name}` +
    `${podScope(pods, ctx.target.pods.length)}.`
  );
}

export const scoringInitFailure: Rule = {
  id: 'scoringInitFailure',
  stage: 'init',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const hits = scoringContainers(ctx)
      .map(hitOf)
      .filter((h): h is Hit => h !== undefined);
    // One finding per distinct failure (the same missing module on 3 replicas is one problem).
    const groups = new Map<string, Hit[]>();
    for (const h of hits) {
      const key = `${h.fatal.failure.kind}|${h.fatal.failure.exception.text}`;
      groups.set(key, [...(groups.get(key) ?? []), h]);
    }
    return [...groups.values()].map((group) => {
      const hit = group[0]!;
      const f = hit.fatal.failure;
      const pods = new Set(group.map((h) => h.sc.pod.metadata?.name)).size;
      return {
        code: 'ScoringInitFailure',
        detail: f.kind,
        severity: 'critical',
        title: title(f),
        explanation: explanation(ctx, hit, pods),
        evidence: evidenceOf(hit, ctx),
        remedy: remedy(ctx.target, f, modelPathComparison(ctx, hit)?.closest).map(redact),
        docs: docs(ctx.target, f.kind),
        stage: 'init',
        specificity: f.kind === 'InitException' ? SPECIFICITY.strong : SPECIFICITY.decisive,
      };
    });
  },
};
