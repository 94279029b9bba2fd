/**
 * Turns a build-log classification (plus what the service record says) into an ImageBuildFailure finding:
 * a title naming the package / image / registry, an explanation of why we believe it, and remedies specific to
 * the evidence. Shared by the rule (imageBuildFailure) and `amlmon buildlog`, so both say the same thing.
 */
import { clip } from '../../text/redact.js';
import { evidence, humanDuration } from '../context.js';
import { DOCS } from '../docs.js';
import type { AmlFlavor } from '../rule.js';
import type { Evidence, RuleFinding } from '../types.js';
import { STALL_WORDS } from './decide.js';
import type { PythonVersion } from './python.js';
import type { IncompleteJudgement, ServiceBuildState } from './judge.js';
import type { BuildFailureDetail, BuildLogClassification } from './types.js';

export interface BuildFindingInput {
  detail: BuildFailureDetail;
  /** The build log's classification, when there is a build log. */
  classification?: BuildLogClassification;
  /** Where the evidence of the service record comes from, e.g. `service.json`. */
  serviceSource?: string;
  serviceState?: ServiceBuildState;
  /** For a log that stops: how long it had run against its budget. */
  judgement?: IncompleteJudgement;
  /** v1 (AksWebservice) or v2 (online deployment) wording; both when unknown. */
  flavor?: AmlFlavor;
  /** The classification was made from the service record's message, not from a build log. */
  fromServiceRecord?: boolean;
  /** The end of the build log (redacted), to show the lines of every package the title names. */
  tail?: string;
  /** The Python version the build used, read from the build log (wheel tags, conda pin), when it says. */
  python?: PythonVersion;
  /** How sure: 90 a decisive log line, 50 inferred (timeout by clock, service message), 10 service record only. */
  specificity: number;
}

const STAGE_NOTE =
  'The image build is the first stage of a deployment, before anything is scheduled on the cluster, so it is the root cause even when pods also fail (for example ImagePullBackOff on an image tag that was never pushed).';

function envFile(flavor: AmlFlavor | undefined): string {
  if (flavor === 'v1')
    return "the environment's conda specification (the .yml given to Environment.from_conda_specification, or CondaDependencies)";
  if (flavor === 'v2') return "the environment's conda_file (environment YAML)";
  return "the environment's conda file (v1: Environment.from_conda_specification / CondaDependencies; v2: conda_file in the environment YAML)";
}

function redeploy(flavor: AmlFlavor | undefined): string {
  if (flavor === 'v1')
    return 'then register the environment again and redeploy (Model.deploy / az ml model deploy)';
  if (flavor === 'v2')
    return 'then create a new environment version and update the deployment (az ml online-deployment update)';
  return 'then register a new environment version and redeploy';
}

function buildLocally(flavor: AmlFlavor | undefined): string {
  const v1 = 'v1: environment.build_local(ws, useDocker=True)';
  const v2 =
    "v2: docker build the environment's context, or conda env create -f <conda file> in the same base image";
  const how = flavor === 'v1' ? v1 : flavor === 'v2' ? v2 : `${v1}; ${v2}`;
  return `Reproduce the build locally to iterate quickly (${how}).`;
}

interface Parsed {
  name: string;
  spec: string;
  localLabel?: string;
}

/** `torch==1.9.0+cu111` → name torch, spec ==1.9.0+cu111, local label cu111. */
function parseRequirement(req: string): Parsed {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$/.exec(req.trim());
  const name = m?.[1] ?? req;
  const spec = (m?.[2] ?? '').trim();
  const local = /\+([A-Za-z0-9.]+)\s*$/.exec(spec)?.[1];
  return { name, spec, ...(local ? { localLabel: local } : {}) };
}

const TORCH_FAMILY = /^(?:torch|torchvision|torchaudio|torchtext)$/i;

/** Dotted versions compared numerically; a pre-release suffix is ignored. */
function versionKey(v: string): number[] {
  return v.split('.').map((x) => Number.parseInt(x, 10) || 0);
}

function compareVersions(a: string, b: string): number {
  const x = versionKey(a);
  const y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The lowest offered version at or above the pin, else the highest offered (closest to what the code expects). */
function nearestOffered(offered: string[], pinned: string): string {
  const sorted = [...offered].sort(compareVersions);
  return sorted.find((v) => compareVersions(v, pinned) >= 0) ?? sorted[sorted.length - 1] ?? pinned;
}

function pipNotFound(
  c: BuildLogClassification | undefined,
  flavor: AmlFlavor | undefined,
  python?: PythonVersion,
): { title: string; why: string; remedy: string[]; docs: string[] } {
  const subject = c?.subject ?? 'a pip requirement';
  const docs: string[] = [DOCS.pipInstallIndexes, DOCS.environments, DOCS.imageBuildFailure];
  if (c?.detail === 'PipResolveFailure' || c?.reason?.includes('conflict')) {
    return {
      title: `Image build failed: pip dependency conflict on ${subject}`,
      why: `pip's resolver found no set of versions satisfying all pins together (ResolutionImpossible)${
        c?.evidence[1]
          ? `: ${c.evidence
              .slice(1, 3)
              .map((e) => e.text)
              .join('; ')}`
          : ''
      }`,
      remedy: [
        `Relax one of the conflicting pins in ${envFile(flavor)} so a common version exists (the lines after "The conflict is caused by:" in the build log name the two requirements), ${redeploy(flavor)}.`,
        'Check the set in a fresh virtual environment with the same Python first: pip install -r requirements.txt.',
      ],
      docs: [DOCS.pipDependencyResolution, ...docs],
    };
  }
  const req = parseRequirement(subject);
  const remedy: string[] = [];
  const versions = c?.availableVersions;
  const offered = versions && !/^none$/i.test(versions) ? versions.split(/,\s*/).filter(Boolean) : [];
  const pinned = /^==\s*([^+\s,;]+)/.exec(req.spec)?.[1];
  const onPython = python ? ` for Python ${python.version} (${python.token} in the build log)` : '';
  if (
    req.localLabel &&
    TORCH_FAMILY.test(req.name) &&
    pinned &&
    offered.length &&
    !offered.includes(pinned)
  ) {
    // The index has no build of this version for this Python at all: the local label is not the problem, and
    // the same version without it would fail the same way.
    const nearest = nearestOffered(offered, pinned);
    remedy.push(
      `${req.name} ${pinned} is not among the versions pip saw${onPython}: ${offered[0]} to ${offered[offered.length - 1]}. Pin one of them (${nearest} is the nearest to ${pinned}; check that the model loads and the entry script runs with it) and take the matching --extra-index-url for its CUDA build from the PyTorch previous-versions page, in the pip section of ${envFile(flavor)}.`,
      `To keep ${req.name} ${pinned}: the PyTorch previous-versions page lists the Python versions it has wheels for; build the environment on one of them (the python= pin of the conda file) and add --extra-index-url https://download.pytorch.org/whl/${req.localLabel} to the pip section.`,
    );
    docs.unshift(DOCS.pytorchPreviousVersions);
  } else if (req.localLabel && TORCH_FAMILY.test(req.name)) {
    const index = `https://download.pytorch.org/whl/${req.localLabel}`;
    remedy.push(
      `${subject} is not on PyPI (the +${req.localLabel} builds live on the PyTorch index): add --extra-index-url ${index} as a line of the pip section of ${envFile(flavor)}${pinned && offered.includes(pinned) ? `, or pin ${req.name}==${pinned} without the local label (the index offers ${pinned})` : ''}.`,
    );
    docs.unshift(DOCS.pytorchPreviousVersions);
  } else if (/^==0\+unknown$/.test(req.spec)) {
    remedy.push(
      `${subject} is the version a package reports when installed from a local source checkout: no index has it. Install ${req.name} from a wheel or its git URL in the pip section, publish it to a private feed (--extra-index-url), or drop it from ${envFile(flavor)}.`,
    );
  } else if (versions !== undefined && /^none$/i.test(versions)) {
    remedy.push(
      `pip saw no release of ${req.name} at all (from versions: none): check the spelling; a private package needs its feed as --extra-index-url in the pip section of ${envFile(flavor)}; otherwise ${req.name} has no build for the image's Python version / platform (pin a Python the package supports).`,
    );
  } else {
    const seen = versions ? ` (the index offers: ${clip(versions, 120)})` : '';
    remedy.push(
      `No release of ${req.name} matches ${req.spec || 'the requirement'} on the index pip used${seen}: pin a version that exists (pip index versions ${req.name} lists them), or add the index that hosts it (--extra-index-url) to the pip section of ${envFile(flavor)}.`,
    );
  }
  remedy.push(`Fix the pin, ${redeploy(flavor)}.`);
  return {
    title: `Image build failed: no pip distribution found for ${subject}`,
    why: `pip could not find ${subject} on the package index${versions !== undefined ? ` (from versions: ${clip(versions, 80)})` : ''}${pinned && offered.length && !offered.includes(pinned) ? `; ${pinned} is not among them${onPython}` : ''}.`,
    remedy,
    docs,
  };
}

function condaResolve(c: BuildLogClassification | undefined, flavor: AmlFlavor | undefined) {
  const subject = c?.subject;
  const unsatisfiable = c?.evidence.some((e) => /Unsatisfiable/i.test(e.text));
  const notFound = c?.evidence.some((e) => /ResolvePackageNotFound|PackagesNotFoundError/.test(e.text));
  const pkgs = subject ?? 'the pinned packages';
  const remedy = unsatisfiable
    ? [
        `The pins conflict with each other (${pkgs}): relax them in ${envFile(flavor)} (e.g. python=3.8 with tensorflow pins that support it, or ranges instead of exact versions).`,
        `Move packages that do not need conda into the pip: section, where pins are resolved separately; ${redeploy(flavor)}.`,
      ]
    : [
        `conda found no ${pkgs} in the environment's channels for this platform: relax the pin (a version range, or drop the build string), add the channel that publishes it (e.g. conda-forge), or move the package to the pip: section of ${envFile(flavor)}.`,
        `Check with conda search '${(subject ?? 'package').split(',')[0]?.trim() ?? 'package'}' -c conda-forge, ${redeploy(flavor)}.`,
      ];
  return {
    title: subject
      ? `Image build failed: conda cannot resolve ${subject}`
      : 'Image build failed: conda could not solve the environment',
    why: notFound
      ? `conda's solver could not find ${pkgs} in the configured channels (ResolvePackageNotFound / PackagesNotFoundError).`
      : unsatisfiable
        ? `conda's solver found the requested packages incompatible with each other (UnsatisfiableError): ${pkgs}.`
        : 'conda reported "Solving environment: failed".',
    remedy,
    docs: [DOCS.condaManageEnvironments, DOCS.environments, DOCS.imageBuildFailure],
  };
}

function pipBuild(c: BuildLogClassification | undefined, flavor: AmlFlavor | undefined) {
  const pkg = c?.subject;
  const compiler = c?.evidence.find((e) =>
    /gcc|fatal error|Visual C\+\+|Rust compiler|command '/.test(e.text),
  );
  const headers = compiler && /Python\.h/.test(compiler.text);
  const remedy = [
    `pip had to compile ${pkg ?? 'a package'} from source (no prebuilt wheel for this Python/platform) and the compile failed${compiler ? `: ${compiler.text}` : ''}.`,
    `Pin a version of ${pkg ?? 'it'} that ships a prebuilt wheel for the image's Python version, or install it from conda (conda-forge) instead of pip in ${envFile(flavor)}; ${redeploy(flavor)}.`,
    headers
      ? 'If it must be compiled: the Python headers are missing (Python.h), so add python3-dev (or the matching python-devel) and gcc to the base image.'
      : 'If it must be compiled, use a base image with build tools (gcc, python3-dev and the library headers it needs).',
    buildLocally(flavor),
  ];
  return {
    title: pkg
      ? `Image build failed: pip could not build ${pkg} from source`
      : 'Image build failed: a pip package failed to build from source',
    why: `pip's build of ${pkg ?? 'a source package'} failed ("Failed building wheel" / "Command errored out" / subprocess-exited-with-error).`,
    remedy,
    docs: [DOCS.environments, DOCS.curatedEnvironments, DOCS.imageBuildFailure],
  };
}

function baseImage(c: BuildLogClassification | undefined, flavor: AmlFlavor | undefined) {
  const image = c?.subject ?? c?.baseImage;
  const text = (c?.evidence ?? []).map((e) => e.text).join(' ');
  const rateLimited = /toomanyrequests/.test(text);
  const auth = /unauthori|denied|authentication required|insufficient_scope|failed to authorize/i.test(text);
  const mcr = image?.startsWith('mcr.microsoft.com/');
  const remedy: string[] = [];
  if (rateLimited) {
    remedy.push(
      `Docker Hub rate-limited the pull of ${image ?? 'the base image'}: import it into the workspace registry (az acr import) and use it from there.`,
    );
  } else if (auth && !mcr) {
    remedy.push(
      `${image ?? 'The base image'} is in a private registry (or does not exist): give the build its credentials (v1: Environment.docker.base_image_registry address/username/password; v2: use an image in the workspace ACR, or a registry the workspace identity can pull from), or import it into the workspace ACR (az acr import).`,
    );
  } else {
    remedy.push(
      `${image ?? 'The base image'} does not exist under that name/tag: fix the tag (mcr.microsoft.com/azureml images are listed at https://mcr.microsoft.com/v2/azureml/<image>/tags/list; for an ACR: az acr repository show-tags), or use a curated environment's base image.`,
    );
  }
  remedy.push(
    `Set the corrected base image in the environment (${flavor === 'v1' ? 'Environment.docker.base_image' : flavor === 'v2' ? 'image: in the environment YAML' : 'v1: Environment.docker.base_image; v2: image: in the environment YAML'}), ${redeploy(flavor)}.`,
  );
  return {
    title: image
      ? `Image build failed: base image ${image} could not be pulled`
      : 'Image build failed: the base image could not be pulled',
    why: `the Dockerfile's FROM image could not be pulled (${rateLimited ? 'rate limited' : auth ? 'access denied' : 'not found / manifest unknown'}).`,
    remedy,
    docs: [DOCS.environments, DOCS.curatedEnvironments, DOCS.imageBuildFailure],
  };
}

function registryAuth(c: BuildLogClassification | undefined, flavor: AmlFlavor | undefined) {
  const registry = c?.subject ?? c?.registry;
  return {
    title: `Image build failed: not authorized to the workspace container registry${registry ? ` ${registry}` : ''}`,
    why: `the build was refused by the workspace's container registry${registry ? ` ${registry}` : ''} when logging in or pushing (unauthorized / denied / "container registry authorization failure")`,
    remedy: [
      `Resynchronise the workspace's registry keys: az ml workspace sync-keys -w <workspace> -g <resource-group>${flavor === 'v2' ? '' : ' (v1 SDK: ws.sync_keys())'}, and check the registry's admin user / the workspace identity's AcrPush role.`,
      `If the registry is behind a VNet or private endpoint, ACR Tasks cannot build in it: set an image build compute cluster (az ml workspace update --image-build-compute <cluster>${flavor === 'v2' ? '' : '; v1: ws.update(image_build_compute=...)'}), then redeploy.`,
    ],
    docs: [DOCS.workspaceSyncKeys, DOCS.acrBehindVnet, DOCS.imageBuildFailure],
  };
}

function timeout(
  c: BuildLogClassification | undefined,
  j: IncompleteJudgement | undefined,
  flavor: AmlFlavor | undefined,
) {
  const where = c?.stalledIn ? STALL_WORDS[c.stalledIn] : undefined;
  const budget = c?.timing?.timeoutSeconds ?? j?.budgetSeconds;
  const ran = j?.elapsedSeconds ?? c?.timing?.runSeconds;
  const pip = c?.stalledIn === 'pip-install' || c?.stalledIn === 'pip-resolve';
  return {
    title: `Image build timed out${where ? ` while ${where}` : ''}${budget ? ` (step budget ${humanDuration(budget)})` : ''}`,
    why:
      c?.outcome === 'failed'
        ? `the build step was stopped at its ${budget ? `${humanDuration(budget)} ` : ''}budget${ran !== undefined ? ` after ${humanDuration(ran)}` : ''}${where ? ` while ${where}` : ''}`
        : `the build step started ${ran !== undefined ? `${humanDuration(ran)} before this snapshot, past its ${humanDuration(j?.budgetSeconds ?? budget ?? 0)} budget (Timeout(sec): ${j?.budgetSeconds ?? budget}), ` : ''}and the log stops${where ? ` while ${where}` : ''}, with no error and no success`,
    remedy: [
      pip
        ? `Pin exact versions of the pip packages in ${envFile(flavor)} (package==x.y.z) so pip does not backtrack through every release.`
        : `Shrink the conda solve: pin exact versions (numpy==1.21.6, not numpy), use one channel (conda-forge) with strict priority, and move pure-Python packages to the pip: section of ${envFile(flavor)}.`,
      'Start from a curated environment or a prebuilt image that already has the heavy packages, so the build only adds a few.',
      buildLocally(flavor),
    ],
    docs: [DOCS.curatedEnvironments, DOCS.environments, DOCS.imageBuildFailure],
  };
}

function describeCommand(cmd: string | undefined): string | undefined {
  if (!cmd) return undefined;
  if (/conda env (?:create|update)/.test(cmd)) return 'the conda environment step';
  if (/apt-get|apt install/.test(cmd)) return 'the apt-get step';
  if (/pip install/.test(cmd)) return 'the pip install step';
  const short = cmd.replace(/^\/bin\/sh -c\s*/, '');
  return `"${short.length > 60 ? `${short.slice(0, 57)}…` : short}"`;
}

/** A log that stops short while the service record says the build failed. */
function cutShort(
  c: BuildLogClassification,
  j: IncompleteJudgement | undefined,
  flavor: AmlFlavor | undefined,
) {
  const where = c.stalledIn ? ` while ${STALL_WORDS[c.stalledIn]}` : '';
  const into =
    j?.elapsedSeconds !== undefined
      ? `, ${humanDuration(j.elapsedSeconds)} into its ${humanDuration(j.budgetSeconds)} budget`
      : '';
  return {
    title: `Image build failed; the build log stops${where} without saying why`,
    why: `the build log stops${where}${into}, with no error and no success (last line: ${c.lastLine ?? 'none'})`,
    remedy: [
      `The log in the bundle may be cut short: read the whole run log (az acr task logs --registry <workspace-acr> --run-id <run id>, or ImageLogs/<image-id>/build.log in the workspace storage account) and run amlmon buildlog on it.`,
      ...(c.stalledIn === 'conda-solve'
        ? [
            `A conda solve that dies without an error is often the build agent running out of memory: pin exact versions in ${envFile(flavor)} to shrink the solve, or build on an image build compute cluster.`,
          ]
        : []),
      buildLocally(flavor),
    ],
    docs: [DOCS.imageBuildFailure, DOCS.environments, DOCS.troubleshootV1],
  };
}

function dockerStep(
  c: BuildLogClassification | undefined,
  flavor: AmlFlavor | undefined,
  serviceOnly: boolean,
) {
  const code = c?.exitCode;
  const step = describeCommand(c?.failedCommand);
  const oom = code === 137 || code === 247;
  const remedy: string[] = [];
  if (serviceOnly) {
    remedy.push(
      'The service record says the image build failed but the bundle has no build log: download it from the workspace storage account, container azureml, path ImageLogs/<image-id>/build.log (the error message names it), and run amlmon buildlog <file>.',
    );
  }
  if (oom) {
    remedy.push(
      `Exit code ${code} means the build agent ran out of memory: install fewer/lighter packages in one step, or build on an image build compute cluster with more memory (az ml workspace update --image-build-compute <cluster>).`,
    );
  } else if (c && !serviceOnly) {
    const err = c.evidence.find(
      (e) =>
        !/non-zero code|failed to run step|Container failed during run|Run ID:|did not complete successfully|executor failed/.test(
          e.text,
        ),
    );
    remedy.push(
      `Fix the command that failed${step ? ` (${step})` : ''}${err ? `: the log's last error is "${clip(err.text, 160)}"` : ''}; ${redeploy(flavor)}.`,
    );
    const apt = err && /Unable to locate package (\S+)/.exec(err.text);
    if (apt) {
      remedy.push(
        `${apt[1]} is not in the base image's apt sources: package names change between Ubuntu releases (libgl1-mesa-glx became libgl1 on 22.04); check with apt-cache search inside the base image, and keep apt-get update in the same RUN line.`,
      );
    }
  }
  remedy.push(buildLocally(flavor));
  return {
    title: serviceOnly
      ? 'Image build failed (the service record says so; no build log in the bundle)'
      : `Image build failed: ${step ?? 'a Dockerfile step'} exited with code ${code ?? 'non-zero'}${oom ? ' (out of memory)' : ''}${c?.stalledIn ? ` while ${STALL_WORDS[c.stalledIn]}` : ''}`,
    why: serviceOnly
      ? 'the Azure ML service record reports an image build failure; without the build log the cause cannot be narrowed down.'
      : `a Dockerfile step failed${code !== undefined ? ` with exit code ${code}` : ''} and no more specific cause (conda, pip, base image, registry) appears in the log.`,
    remedy,
    docs: [DOCS.imageBuildFailure, DOCS.environments, DOCS.troubleshootV1],
  };
}

export function buildFailureFinding(input: BuildFindingInput): RuleFinding {
  const { detail, classification: c, flavor, serviceState, judgement } = input;
  const serviceOnly = !c || c.outcome === 'unknown' || c.outcome === 'succeeded';
  const parts =
    detail === 'PipPackageNotFound' || detail === 'PipResolveFailure'
      ? pipNotFound(c, flavor, input.python)
      : detail === 'CondaResolveFailure'
        ? condaResolve(c, flavor)
        : detail === 'PipBuildFailure'
          ? pipBuild(c, flavor)
          : detail === 'BaseImagePullFailure'
            ? baseImage(c, flavor)
            : detail === 'RegistryAuthFailure'
              ? registryAuth(c, flavor)
              : detail === 'BuildTimeout'
                ? timeout(c, judgement, flavor)
                : c?.outcome === 'incomplete'
                  ? cutShort(c, judgement, flavor)
                  : dockerStep(c, flavor, serviceOnly && !c?.evidence.length);

  // Enough lines to show every package the title names (a conda solve can name several, one per line).
  const ev: Evidence[] = [...(c?.evidence ?? [])].slice(0, 6);
  // Every package the title names is shown by a log line (the classifier keeps only the first few lines).
  for (const pkg of (c?.subject ?? '').split(',').map((x) => x.trim())) {
    if (!pkg || !input.tail || ev.some((e) => e.text.includes(pkg))) continue;
    const line = input.tail.split(/\r?\n/).find((l) => l.includes(pkg));
    if (line) ev.push(evidence(c?.evidence[0]?.source.replace(/:\d+$/, '') ?? 'build.log', line));
  }
  // A remedy that names the Python version shows the line that says it.
  if (input.python && parts.remedy.some((r) => r.includes(input.python?.token ?? '\u0000')))
    ev.push(input.python.evidence);
  const serviceLine =
    serviceState?.lines.find((l) => serviceState.buildFailed && l) ??
    (serviceState?.failed ? serviceState.lines[0] : undefined);
  if (serviceLine && input.serviceSource && !ev.some((e) => e.source === input.serviceSource)) {
    ev.push(evidence(input.serviceSource, serviceLine));
  }

  const signals: string[] = [];
  if (c && input.fromServiceRecord) signals.push(`the Azure ML service record says ${parts.why}`);
  else if (c && c.outcome === 'failed') signals.push(`the build log shows that ${parts.why}`);
  else signals.push(parts.why);
  if (judgement?.verdict === 'timedOut' && judgement.since) {
    signals.push('ACR Tasks stop a build step at its budget, so it cannot still be running');
  } else if (judgement?.verdict === 'endedWithoutReason') {
    signals.push(
      'The service record already reports the build as failed, so the log was cut short rather than still running',
    );
  } else if (judgement?.verdict === 'undetermined') {
    signals.push(
      'The log carries no timestamps and there is no service record, so this assumes the build is over; if it is still running, check again after the step budget',
    );
  }
  if (serviceLine && c && c.outcome !== 'unknown' && !input.fromServiceRecord)
    signals.push(`the Azure ML service record agrees (${clip(serviceLine, 120)})`);
  const sentences = signals.map((x, i) => {
    const s = x.replace(/\.+$/, '');
    return i === 0 ? s : s.charAt(0).toUpperCase() + s.slice(1);
  });
  // The stage note only helps when the cluster also shows failing pods (a target with objects has a flavor).
  const note = flavor ? ` ${STAGE_NOTE}` : '';
  const explanation = `The environment image could not be built: ${sentences.join('. ')}.${note}`;

  return {
    code: 'ImageBuildFailure',
    detail,
    severity: 'critical',
    title: parts.title,
    explanation,
    evidence: ev,
    remedy: parts.remedy,
    docs: parts.docs,
    stage: 'build',
    specificity: input.specificity,
    role: 'cause',
  };
}
