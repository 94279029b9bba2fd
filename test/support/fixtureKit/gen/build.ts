/**
 * Fixture generator for ImageBuildFailure (all 7 details) and its near-misses, plus raw build-log samples under
 * test/fixtures/buildlogs/. Regenerate with
 * `npm run build:dev && node dist-dev/test/support/fixtureKit/gen/build.js`.
 * Bundles pair a build.log with the Azure ML service record (v1 Webservice or v2 online deployment shape) and the
 * cluster as it looks then: no objects (a new service whose image never got built), the old healthy pods (a
 * failed update), or a pod in ImagePullBackOff for the tag that was never pushed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  amlService,
  at,
  event,
  hash,
  markNotAvailable,
  waiting,
  type AmlServiceObjects,
  type K8sObject,
} from '../kit.js';
import { runFixtureGenerator, type NamedFixture } from '../write.js';
import {
  acrPreamble,
  acrPushSuccess,
  acrStepFailed,
  acrTime,
  classicFinalSteps,
  classicFrom,
  classicSetupSteps,
  condaCommand,
  condaDone,
  condaSolvedAndInstalled,
  condaStepHeader,
  CONDA_UPDATE_WARNING,
  ESC,
  imageRef,
  isoPrefixed,
  join,
  newBuild,
  pipInstalled,
  pipRun,
  red,
  type Build,
} from './buildLogs.js';

export const NOW = '2024-05-14T10:30:00Z';
const WORKSPACE = 'contoso-ml';
const V1_NS = `azureml-${WORKSPACE}`;
const BASE_V1 =
  'mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20210615.v1@sha256:7c8e3b1b4f2a9d6e5c0b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d';
const BASE_V2 = 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240418.v1';
const ago = (s: number): string => at(NOW, -s);
const imageId = (seed: string): string => hash(seed + 'imageid', 32).replace(/[^a-f0-9]/g, '0');
const SAS =
  'sv=2019-02-02&sr=b&sig=Qm9ndXNTaWduYXR1cmVGb3JUZXN0czEyMzQ1Njc4OTA%3D&st=2024-05-14T09%3A00%3A00Z&se=2024-05-15T09%3A00%3A00Z&sp=r';

// --- cluster states --------------------------------------------------------------------------------------------------

interface Cluster {
  objects: K8sObject[];
  service: string;
  namespace: string;
}

function objectsOf(svc: AmlServiceObjects): K8sObject[] {
  return [
    svc.deployment,
    svc.replicaSet,
    ...svc.pods,
    ...[svc.pvc, svc.pv, svc.configMap].filter((o): o is K8sObject => !!o),
  ];
}

/** A new service whose image was never built: Azure ML created nothing on the cluster. */
function nothingDeployed(name: string, namespace = V1_NS): Cluster {
  return { objects: [], service: name, namespace };
}

/** A failed update: the previous version still runs, healthy, since days ago. */
function previousVersionHealthy(name: string, flavor: 'v1' | 'v2', endpoint?: string): Cluster {
  const svc = amlService({ name, flavor, endpoint, workspace: WORKSPACE, createdAt: ago(3 * 86400) });
  return { objects: objectsOf(svc), service: svc.deploymentName, namespace: svc.namespace };
}

/** v2 creates the deployment before the image exists: the pod cannot pull the tag that was never pushed. */
function podInImagePullBackOff(name: string, endpoint: string, since: number): Cluster {
  const svc = amlService({ name, flavor: 'v2', endpoint, workspace: WORKSPACE, createdAt: ago(since) });
  const pod = svc.pods[0] as K8sObject;
  const image = (pod.spec.containers[0] as K8sObject).image as string;
  markNotAvailable(svc.deployment, 0, { since: ago(since), rsName: svc.replicaSet.metadata.name });
  svc.replicaSet.status = { fullyLabeledReplicas: 1, observedGeneration: 1, replicas: 1 };
  pod.status.phase = 'Pending';
  pod.status.conditions = [
    { lastProbeTime: null, lastTransitionTime: ago(since - 30), status: 'True', type: 'Initialized' },
    {
      lastProbeTime: null,
      lastTransitionTime: ago(since - 2),
      message: 'containers with unready status: [inference-server]',
      reason: 'ContainersNotReady',
      status: 'False',
      type: 'Ready',
    },
    {
      lastProbeTime: null,
      lastTransitionTime: ago(since - 2),
      message: 'containers with unready status: [inference-server]',
      reason: 'ContainersNotReady',
      status: 'False',
      type: 'ContainersReady',
    },
    { lastProbeTime: null, lastTransitionTime: ago(since - 2), status: 'True', type: 'PodScheduled' },
  ];
  const app = pod.status.containerStatuses[0] as K8sObject;
  Object.assign(app, {
    ready: false,
    started: false,
    state: waiting('ImagePullBackOff', `Back-off pulling image "${image}"`),
    imageID: '',
  });
  delete app.containerID;
  const pulls = Math.max(2, Math.floor(since / 300));
  const events = [
    event({
      object: pod,
      reason: 'Pulling',
      type: 'Normal',
      message: `Pulling image "${image}"`,
      first: ago(since - 31),
      last: ago(120),
      count: pulls,
      fieldPath: 'spec.containers{inference-server}',
    }),
    event({
      object: pod,
      reason: 'Failed',
      message: `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
      first: ago(since - 32),
      last: ago(119),
      count: pulls,
      fieldPath: 'spec.containers{inference-server}',
    }),
    event({
      object: pod,
      reason: 'Failed',
      message: 'Error: ErrImagePull',
      first: ago(since - 32),
      last: ago(119),
      count: pulls,
      fieldPath: 'spec.containers{inference-server}',
    }),
    event({
      object: pod,
      reason: 'BackOff',
      type: 'Normal',
      message: `Back-off pulling image "${image}"`,
      first: ago(since - 45),
      last: ago(10),
      count: pulls * 6,
      fieldPath: 'spec.containers{inference-server}',
    }),
    event({
      object: pod,
      reason: 'Failed',
      message: 'Error: ImagePullBackOff',
      first: ago(since - 45),
      last: ago(10),
      count: pulls * 6,
      fieldPath: 'spec.containers{inference-server}',
    }),
  ];
  return { objects: [...objectsOf(svc), ...events], service: svc.deploymentName, namespace: svc.namespace };
}

// --- service records -------------------------------------------------------------------------------------------------

function v1Failed(name: string, seed: string, message?: string): Record<string, unknown> {
  return {
    name,
    state: 'Failed',
    error: {
      code: 'EnvironmentBuildFailed',
      statusCode: 400,
      message:
        message ??
        `Failed building the Environment. You can try debugging locally first. Please check the build log for details: https://contosoml1234.blob.core.windows.net/azureml/ImageLogs/${imageId(seed)}/build.log?${SAS}`,
    },
  };
}

function v2Failed(name: string, seed: string, cause = ''): Record<string, unknown> {
  return {
    name,
    provisioning_state: 'Failed',
    error: {
      code: 'ImageBuildFailure',
      message: `Environment image build failed${cause}. The build log is available in the workspace blob store 'contosoml1234' under the path '/azureml/ImageLogs/${imageId(seed)}/build.log'. Please check the build log to find the root cause.`,
    },
  };
}

const meta = (c: Cluster, capturedAt = NOW) => ({
  service: c.service,
  namespace: c.namespace,
  workspace: WORKSPACE,
  capturedAt,
});

function trigger(
  name: string,
  detail: string,
  c: Cluster,
  spec: {
    buildLog?: string;
    service?: Record<string, unknown>;
    description: string;
    evidence?: string;
    capturedAt?: string;
  },
): NamedFixture {
  return {
    name: `ImageBuildFailure.${detail}.${name}`,
    objects: c.objects,
    ...(spec.buildLog !== undefined ? { buildLog: spec.buildLog } : {}),
    ...(spec.service ? { service: spec.service } : {}),
    meta: meta(c, spec.capturedAt),
    expected: {
      description: spec.description,
      status: 'Failed',
      root: {
        code: 'ImageBuildFailure',
        detail,
        ...(spec.evidence ? { evidenceIncludes: spec.evidence } : {}),
      },
    },
  };
}

function nearMiss(
  name: string,
  detail: string,
  c: Cluster,
  spec: {
    buildLog: string;
    service?: Record<string, unknown>;
    description: string;
    status: 'Healthy' | 'Progressing';
  },
): NamedFixture {
  return {
    name: `nearmiss.ImageBuildFailure.${detail}.${name}`,
    objects: c.objects,
    buildLog: spec.buildLog,
    ...(spec.service ? { service: spec.service } : {}),
    meta: meta(c),
    expected: { description: spec.description, status: spec.status, absent: [{ code: 'ImageBuildFailure' }] },
  };
}

// --- logs ----------------------------------------------------------------------------------------------------------------

/** A full, successful v1 build; `pipOut` and `extra` let near-misses add their benign noise. */
function successfulBuild(
  b: Build,
  opts: { pipOut?: string[]; condaOut?: string[]; aptWarnings?: boolean; base?: string } = {},
): string[] {
  return [
    ...acrPreamble(b),
    ...classicFrom(opts.base ?? BASE_V1),
    ...classicSetupSteps(15, opts.aptWarnings),
    ...condaStepHeader(b),
    ...(opts.condaOut ?? condaSolvedAndInstalled()),
    ...pipRun(b),
    ...(opts.pipOut ?? pipInstalled(['azureml-defaults==1.38.0', 'scikit-learn==1.0.2', 'joblib==1.1.0'])),
    ...condaDone(b),
    ...classicFinalSteps(b),
    ...acrPushSuccess(b, 360),
  ];
}

function beforeConda(b: Build, base = BASE_V1): string[] {
  return [...acrPreamble(b), ...classicFrom(base), ...classicSetupSteps(), ...condaStepHeader(b)];
}

function condaCases(): NamedFixture[] {
  const b1 = newBuild(ago(50 * 60), 'conda1');
  const log1 = [
    ...beforeConda(b1),
    'Collecting package metadata (repodata.json): ...working... done',
    'Solving environment: ...working... failed',
    ...red(['', 'ResolvePackageNotFound: ', '  - numpy=1.16.0', '  - python=3.6.2=h02fb82a_12', '', '']),
    ...acrStepFailed(b1, 154, condaCommand(b1)),
  ];
  const b2 = newBuild(ago(40 * 60), 'conda2');
  const log2 = isoPrefixed(
    [
      ...beforeConda(b2, BASE_V2).slice(12),
      'Collecting package metadata (repodata.json): ...working... done',
      'Solving environment: ...working... failed with initial frozen solve. Retrying with flexible solve.',
      'Solving environment: ...working... ',
      'Found conflicts! Looking for incompatible packages.',
      'This can take several minutes.  Press CTRL-C to abort.',
      'failed',
      ...red([
        '',
        'UnsatisfiableError: The following specifications were found',
        'to be incompatible with the existing python installation in your environment:',
        '',
        'Specifications:',
        '',
        "  - tensorflow==1.15 -> python[version='>=2.7,<2.8.0a0|>=3.6,<3.7.0a0|>=3.7,<3.8.0a0']",
        '',
        'Your python: python=3.8',
        '',
        "If python is on the left-most side of the chain, that's the version you've asked for.",
        'When python appears to the right, that indicates that the thing on the left is somehow',
        'not available for the python version you are constrained to. Note that conda will not',
        'change your python version to a different minor version unless you explicitly specify',
        'that.',
        '',
      ]),
      `The command '/bin/sh -c ${condaCommand(b2)}' returned a non-zero code: 1`,
    ],
    at(b2.start, 6),
    0.5,
  );
  log2.push(
    `${acrTime(b2.start, 1330)} Container failed during run: acb_step_0. No retries remaining.`,
    'failed to run step ID: acb_step_0: exit status 1',
    '',
    `Run ID: ${b2.runId} failed after 22m11s. Error: failed during run, err: exit status 1`,
  );
  const log2Full = [...acrPreamble(b2).slice(0, 12), ...log2];
  return [
    trigger('v1-resolve-package-not-found', 'CondaResolveFailure', nothingDeployed('churn-model'), {
      buildLog: join(log1),
      service: v1Failed('churn-model', 'conda1'),
      description:
        'v1 new service: conda cannot find numpy=1.16.0 (ResolvePackageNotFound, stderr in ESC[91m); nothing was deployed to the cluster',
      evidence: 'numpy=1.16.0',
    }),
    trigger(
      'v2-unsatisfiable-timestamped',
      'CondaResolveFailure',
      podInImagePullBackOff('blue', 'credit-ep', 35 * 60),
      {
        buildLog: join(log2Full),
        service: v2Failed('blue', 'conda2'),
        description:
          'v2: UnsatisfiableError (tensorflow==1.15 needs python<3.8) in a log with ISO timestamp prefixes; the pod is in ImagePullBackOff for the tag that was never pushed, a consequence',
        evidence: 'UnsatisfiableError',
      },
    ),
  ];
}

function pipNotFoundCases(): NamedFixture[] {
  const b1 = newBuild(ago(30 * 60), 'pip1');
  const log1 = [
    ...beforeConda(b1),
    ...condaSolvedAndInstalled(),
    ...pipRun(b1),
    'Collecting azureml-defaults==1.38.0',
    '  Downloading azureml_defaults-1.38.0-py3-none-any.whl (3.0 kB)',
    'Pip subprocess error:',
    ...red([
      'ERROR: Could not find a version that satisfies the requirement torch==1.9.0+cu111 (from versions: 1.4.0, 1.5.0, 1.5.1, 1.6.0, 1.7.0, 1.7.1, 1.8.0, 1.8.1, 1.9.0, 1.9.1, 1.10.0)',
      'ERROR: No matching distribution found for torch==1.9.0+cu111',
      '',
    ]),
    'failed',
    '',
    'CondaEnvException: Pip failed',
    '',
    ...acrStepFailed(b1, 333, condaCommand(b1)),
  ];
  const b2 = newBuild(ago(25 * 60), 'pip2');
  const log2 = [
    ...beforeConda(b2, BASE_V2),
    ...condaSolvedAndInstalled(),
    ...pipRun(b2),
    'Pip subprocess error:',
    ...red(
      [
        'ERROR: Could not find a version that satisfies the requirement azureml-samples==0+unknown (from -r /azureml-environment-setup/condaenv.dxi_0178.requirements.txt (line 39)) (from versions: none)',
        'ERROR: No matching distribution found for azureml-samples==0+unknown (from -r /azureml-environment-setup/condaenv.dxi_0178.requirements.txt (line 39))',
      ],
      true,
    ),
    '',
    'CondaValueError: pip returned an error',
    ...acrStepFailed(b2, 298, condaCommand(b2)),
  ];
  return [
    trigger('v1-torch-local-version', 'PipPackageNotFound', previousVersionHealthy('fraud-svc', 'v1'), {
      buildLog: join(log1),
      service: v1Failed('fraud-svc', 'pip1'),
      description:
        'v1 update: torch==1.9.0+cu111 is not on PyPI (needs the PyTorch index); the previous version keeps serving',
      evidence: 'torch==1.9.0+cu111',
    }),
    trigger(
      'v2-unknown-version-crlf-bare-ansi',
      'PipPackageNotFound',
      nothingDeployed('samples-ep-green', 'azureml-workloads'),
      {
        buildLog: join(log2, '\r\n'),
        service: { ...v2Failed('green', 'pip2'), endpoint_name: 'samples-ep' },
        description:
          'v2 new deployment: azureml-samples==0+unknown (from versions: none); CRLF line endings and the bare [91m colour form',
        evidence: 'azureml-samples==0+unknown',
      },
    ),
  ];
}

function pipBuildCases(): NamedFixture[] {
  const b1 = newBuild(ago(45 * 60), 'wheel1');
  const envPy = `/azureml-envs/azureml_${b1.envHash}/bin/python`;
  const log1 = [
    ...beforeConda(b1),
    ...condaSolvedAndInstalled(),
    ...pipRun(b1),
    'Collecting pycocotools==2.0.0',
    '  Downloading pycocotools-2.0.0.tar.gz (1.5 MB)',
    'Building wheels for collected packages: pycocotools',
    '  Building wheel for pycocotools (setup.py): started',
    "  Building wheel for pycocotools (setup.py): finished with status 'error'",
    'Pip subprocess error:',
    ...red([
      `  ERROR: Command errored out with exit status 1:`,
      `   command: ${envPy} -u -c 'import sys, setuptools, tokenize; sys.argv[0] = '"'"'/tmp/pip-install-8x1k2/pycocotools/setup.py'"'"'; __file__='"'"'/tmp/pip-install-8x1k2/pycocotools/setup.py'"'"';exec(compile(...))' bdist_wheel -d /tmp/pip-wheel-3j9d`,
      '  pycocotools/_mask.c:4:10: fatal error: Python.h: No such file or directory',
      '   #include "Python.h"',
      '            ^~~~~~~~~~',
      '  compilation terminated.',
      "  error: command 'gcc' failed with exit status 1",
      '  ----------------------------------------',
      '  ERROR: Failed building wheel for pycocotools',
      `ERROR: Command errored out with exit status 1: ${envPy} -u -c 'import sys, setuptools, tokenize; sys.argv[0] = '"'"'/tmp/pip-install-8x1k2/pycocotools/setup.py'"'"'; ...' install --record /tmp/pip-record-q2w/install-record.txt --single-version-externally-managed --compile --install-headers /azureml-envs/azureml_${b1.envHash}/include/python3.8/pycocotools Check the logs for full command output.`,
    ]),
    '',
    'CondaEnvException: Pip failed',
    ...acrStepFailed(b1, 412, condaCommand(b1)),
  ];
  const b2 = newBuild(ago(20 * 60), 'wheel2');
  const cmd2 = `conda env create -p /azureml-envs/azureml_${b2.envHash} -f azureml-environment-setup/mutated_conda_dependencies.yml && rm -rf "$HOME/.cache/pip" && conda clean -aqy`;
  const log2 = [
    ...acrPreamble(b2),
    '#1 [internal] load build definition from Dockerfile',
    '#1 transferring dockerfile: 1.21kB done',
    '#1 DONE 0.0s',
    `#2 [internal] load metadata for ${BASE_V2}`,
    '#2 DONE 0.4s',
    `#5 [1/8] FROM ${BASE_V2}@sha256:${hash('bk', 64).replace(/[^a-f0-9]/g, '1')}`,
    '#5 DONE 14.2s',
    '#9 [5/8] RUN ' + cmd2,
    '#9 3.114 Collecting package metadata (repodata.json): ...working... done',
    '#9 41.20 Solving environment: ...working... done',
    '#9 88.02 Installing pip dependencies: ...working... Ran pip subprocess with arguments:',
    '#9 201.5 Pip subprocess output:',
    '#9 201.5 Collecting hdbscan==0.8.29',
    '#9 201.5   Downloading hdbscan-0.8.29.tar.gz (5.2 MB)',
    '#9 201.5   Installing build dependencies: started',
    "#9 201.5   Installing build dependencies: finished with status 'done'",
    '#9 201.5 Building wheels for collected packages: hdbscan',
    '#9 201.5   Building wheel for hdbscan (pyproject.toml): started',
    "#9 201.5   Building wheel for hdbscan (pyproject.toml): finished with status 'error'",
    '#9 201.5 Pip subprocess error:',
    '#9 201.5   error: subprocess-exited-with-error',
    '#9 201.5   ',
    '#9 201.5   × Building wheel for hdbscan (pyproject.toml) did not run successfully.',
    '#9 201.5   │ exit code: 1',
    '#9 201.5   ╰─> [52 lines of output]',
    "#9 201.5       error: command '/usr/bin/gcc' failed with exit code 1",
    '#9 201.5       [end of output]',
    '#9 201.5   ERROR: Failed building wheel for hdbscan',
    '#9 201.5 ERROR: Could not build wheels for hdbscan, which is required to install pyproject.toml-based projects',
    '#9 201.5 ',
    '#9 201.5 failed',
    '#9 201.5 ',
    '#9 201.5 CondaEnvException: Pip failed',
    '#9 201.5 ',
    `#9 ERROR: process "/bin/sh -c ${cmd2}" did not complete successfully: exit code: 1`,
    '------',
    ` > [5/8] RUN ${cmd2}:`,
    '------',
    `ERROR: failed to solve: process "/bin/sh -c ${cmd2}" did not complete successfully: exit code: 1`,
    `${acrTime(b2.start, 260)} Container failed during run: acb_step_0. No retries remaining.`,
    'failed to run step ID: acb_step_0: exit status 1',
    '',
    `Run ID: ${b2.runId} failed after 4m21s. Error: failed during run, err: exit status 1`,
  ];
  return [
    trigger('v1-command-errored-out', 'PipBuildFailure', nothingDeployed('vision-svc'), {
      buildLog: join(log1),
      service: v1Failed('vision-svc', 'wheel1'),
      description:
        'v1: pycocotools compiled from source fails (Python.h missing, old pip "Command errored out")',
      evidence: 'pycocotools',
    }),
    trigger(
      'v2-buildkit-subprocess-exited',
      'PipBuildFailure',
      podInImagePullBackOff('canary', 'cluster-ep', 18 * 60),
      {
        buildLog: join(log2),
        service: v2Failed('canary', 'wheel2'),
        description:
          'v2, BuildKit output: hdbscan wheel build fails (error: subprocess-exited-with-error); pod in ImagePullBackOff is a consequence',
        evidence: 'hdbscan',
      },
    ),
  ];
}

function baseImageCases(): NamedFixture[] {
  const b1 = newBuild(ago(15 * 60), 'base1');
  const missing = 'mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20210101.v1';
  const log1 = [
    ...acrPreamble(b1),
    'Sending build context to Docker daemon  60.93kB',
    '',
    `Step 1/15 : FROM ${missing}`,
    `manifest for ${missing} not found: manifest unknown: manifest tagged by "20210101.v1" is not found`,
    `${acrTime(b1.start, 9)} Container failed during run: acb_step_0. No retries remaining.`,
    'failed to run step ID: acb_step_0: exit status 1',
    '',
    `Run ID: ${b1.runId} failed after 9s. Error: failed during run, err: exit status 1`,
  ];
  const b2 = newBuild(ago(12 * 60), 'base2');
  const log2 = [
    ...acrPreamble(b2),
    '#1 [internal] load build definition from Dockerfile',
    '#1 transferring dockerfile: 1.02kB done',
    '#1 DONE 0.0s',
    '#2 [internal] load metadata for docker.io/contoso/ml-base:2.1',
    '#2 ERROR: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    '------',
    ' > [internal] load metadata for docker.io/contoso/ml-base:2.1:',
    '------',
    'ERROR: failed to solve: contoso/ml-base:2.1: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    `${acrTime(b2.start, 7)} Container failed during run: acb_step_0. No retries remaining.`,
    'failed to run step ID: acb_step_0: exit status 1',
    '',
    `Run ID: ${b2.runId} failed after 7s. Error: failed during run, err: exit status 1`,
  ];
  return [
    trigger('v1-manifest-unknown', 'BaseImagePullFailure', nothingDeployed('pricing-svc'), {
      buildLog: join(log1),
      service: v1Failed('pricing-svc', 'base1'),
      description:
        'v1: the base image tag 20210101.v1 does not exist on mcr.microsoft.com (manifest unknown)',
      evidence: 'manifest unknown',
    }),
    trigger(
      'v2-buildkit-pull-access-denied',
      'BaseImagePullFailure',
      podInImagePullBackOff('blue', 'forecast-ep', 10 * 60),
      {
        buildLog: join(log2),
        service: v2Failed('blue', 'base2'),
        description: 'v2, BuildKit: a private Docker Hub base image without credentials (pull access denied)',
        evidence: 'pull access denied',
      },
    ),
  ];
}

function registryAuthCases(): NamedFixture[] {
  const b1 = newBuild(ago(20 * 60), 'acr1');
  const t = (s: number) => acrTime(b1.start, s);
  const log1 = [
    ...beforeConda(b1),
    ...condaSolvedAndInstalled(),
    ...pipRun(b1),
    ...pipInstalled(['azureml-defaults==1.38.0', 'lightgbm==3.3.2']),
    ...condaDone(b1),
    ...classicFinalSteps(b1),
    `${t(352)} Successfully executed container: acb_step_0`,
    `${t(352)} Pushing image: ${imageRef(b1)}:latest, attempt 1`,
    `The push refers to repository [${imageRef(b1)}]`,
    '5f70bf18a086: Preparing',
    '9e2d3c4b5a61: Preparing',
    'unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.',
    `${t(358)} Pushing image: ${imageRef(b1)}:latest, attempt 2`,
    `The push refers to repository [${imageRef(b1)}]`,
    '5f70bf18a086: Preparing',
    'unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.',
    `${t(371)} Failed to push image ${imageRef(b1)}:latest after 2 attempts`,
    '',
    `Run ID: ${b1.runId} failed after 6m11s. Error: failed to push images, err: unauthorized: authentication required`,
  ];
  const b2 = newBuild(ago(9 * 60), 'acr3');
  const log2 = [
    ...acrPreamble(b2).slice(0, 7),
    `${acrTime(b2.start, 4)} Error logging in to registry ${b2.acr}: unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.`,
    '',
    `Run ID: ${b2.runId} failed after 5s. Error: failed to login, err: unauthorized: authentication required`,
  ];
  return [
    trigger('v2-login-refused', 'RegistryAuthFailure', podInImagePullBackOff('blue', 'churn-ep', 8 * 60), {
      buildLog: join(log2),
      service: v2Failed('blue', 'acr3', ' due to a container registry authorization failure'),
      description:
        'v2: the ACR Task cannot even log in to the workspace registry (keys rotated); the pod cannot pull the unbuilt image',
      evidence: 'Error logging in to registry',
    }),
    trigger('v1-push-unauthorized', 'RegistryAuthFailure', previousVersionHealthy('ranker', 'v1'), {
      buildLog: join(log1),
      service: v1Failed('ranker', 'acr1'),
      description:
        'v1 update: the image built but pushing to the workspace ACR is unauthorized (keys out of sync)',
      evidence: 'unauthorized: authentication required',
    }),
    trigger(
      'v2-service-record-only',
      'RegistryAuthFailure',
      podInImagePullBackOff('green', 'churn-ep', 25 * 60),
      {
        service: v2Failed('green', 'acr2', ' due to a container registry authorization failure'),
        description:
          'v2: no build log in the bundle; the service record names a container registry authorization failure; the pod cannot pull the unbuilt image',
        evidence: 'container registry authorization failure',
      },
    ),
  ];
}

function timeoutCases(): NamedFixture[] {
  const b1 = newBuild(ago(2 * 3600), 'to1');
  const log1 = [
    ...beforeConda(b1),
    'Collecting package metadata (repodata.json): ...working... done',
    'Solving environment: ...working... ',
  ];
  // conda wrote "...working... " without a newline; the runner's own lines follow on new lines.
  log1.push(
    `${acrTime(b1.start, 5405)} Container failed during run: acb_step_0. No retries remaining.`,
    'failed to run step ID: acb_step_0: context deadline exceeded',
    '',
    `Run ID: ${b1.runId} failed after 1h30m5s. Error: failed during run, err: context deadline exceeded`,
  );
  const b2 = newBuild(at(NOW, -(2 * 3600 + 600)), 'to2');
  const log2 = isoPrefixed(
    [
      ...beforeConda(b2, BASE_V2).slice(12),
      ...condaSolvedAndInstalled(),
      'Installing pip dependencies: ...working...',
    ],
    at(b2.start, 6),
    1,
  );
  const b3 = newBuild(at(NOW, -(105 * 60)), 'to3');
  const log3 = [
    ...beforeConda(b3),
    'Collecting package metadata (repodata.json): ...working... done',
    'Solving environment: ...working...',
  ];
  return [
    trigger('v1-context-deadline-exceeded', 'BuildTimeout', nothingDeployed('nlp-svc'), {
      buildLog: join(log1),
      service: v1Failed('nlp-svc', 'to1'),
      description:
        'v1: conda solve never finishes; the ACR step hits Timeout(sec): 5400 (context deadline exceeded)',
      evidence: 'context deadline exceeded',
    }),
    trigger('v2-stops-at-pip-install', 'BuildTimeout', nothingDeployed('nlp-ep-blue', 'azureml-workloads'), {
      buildLog: join([...acrPreamble(b2).slice(0, 12), ...log2]),
      service: { ...v2Failed('blue', 'to2'), endpoint_name: 'nlp-ep' },
      description:
        'v2, timestamped lines: the log stops at "Installing pip dependencies: ...working..." and the step started 2h10m before capture',
      evidence: 'Installing pip dependencies',
    }),
    trigger('v1-silent-past-budget', 'BuildTimeout', nothingDeployed('ocr-svc'), {
      buildLog: log3.join('\n'),
      description:
        'v1, no service record: the log stops mid-solve and the step started 1h45m before capture, beyond the 90 min budget',
      evidence: 'Solving environment',
    }),
  ];
}

function dockerStepCases(): NamedFixture[] {
  const b1 = newBuild(ago(30 * 60), 'step1');
  const aptCmd =
    'apt-get update && apt-get install -y --no-install-recommends libgl1-mesa-glx ffmpeg && rm -rf /var/lib/apt/lists/*';
  const log1 = [
    ...acrPreamble(b1),
    ...classicFrom(BASE_V1),
    'Step 2/15 : USER root',
    ' ---> Running in 3b1c2d4e5f60',
    'Removing intermediate container 3b1c2d4e5f60',
    ' ---> 0d2c4e6f8a1b',
    `Step 3/15 : RUN ${aptCmd}`,
    ' ---> Running in 8e7d6c5b4a39',
    'Get:1 http://security.ubuntu.com/ubuntu bionic-security InRelease [88.7 kB]',
    'Get:2 http://archive.ubuntu.com/ubuntu bionic InRelease [242 kB]',
    'Fetched 25.1 MB in 5s (4902 kB/s)',
    'Reading package lists...',
    'Reading package lists...',
    'Building dependency tree...',
    'Reading state information...',
    ...red(['E: Unable to locate package libgl1-mesa-glx']),
    `The command '/bin/sh -c ${aptCmd}' returned a non-zero code: 100`,
    `${acrTime(b1.start, 48)} Container failed during run: acb_step_0. No retries remaining.`,
    'failed to run step ID: acb_step_0: exit status 100',
    '',
    `Run ID: ${b1.runId} failed after 48s. Error: failed during run, err: exit status 100`,
  ];
  const b2 = newBuild(ago(40 * 60), 'step2');
  const log2 = [
    ...beforeConda(b2, BASE_V2),
    'Collecting package metadata (repodata.json): ...working... done',
    'Solving environment: ...working... ',
    `The command '/bin/sh -c ${condaCommand(b2)}' returned a non-zero code: 137`,
    `${acrTime(b2.start, 1391)} Container failed during run: acb_step_0. No retries remaining.`,
    'failed to run step ID: acb_step_0: exit status 137',
    '',
    `Run ID: ${b2.runId} failed after 23m11s. Error: failed during run, err: exit status 137`,
  ];
  return [
    trigger('v1-apt-get-unable-to-locate', 'DockerStepFailure', previousVersionHealthy('detector', 'v1'), {
      buildLog: join(log1),
      service: v1Failed('detector', 'step1'),
      description:
        'v1 update: a custom apt-get step fails (E: Unable to locate package), exit 100; no conda/pip cause',
      evidence: 'returned a non-zero code: 100',
    }),
    trigger(
      'v2-conda-killed-exit-137',
      'BuildOutOfMemory',
      podInImagePullBackOff('blue', 'reco-ep', 38 * 60),
      {
        buildLog: join(log2),
        service: v2Failed('blue', 'step2'),
        description:
          'v2: the build agent runs out of memory during the conda solve (exit 137 after 23 min, well inside the budget: not a timeout)',
        evidence: 'returned a non-zero code: 137',
      },
    ),
    trigger('v1-service-record-only', 'DockerStepFailure', nothingDeployed('legacy-svc'), {
      service: {
        name: 'legacy-svc',
        state: 'Failed',
        error: {
          code: 'DeploymentFailed',
          message: 'Image creation failed with StatusCode: 400 Message: Docker image build failed.',
        },
      },
      description:
        'v1 (2019 wording), no build log: only the service record says "Docker image build failed"',
      evidence: 'Docker image build failed',
    }),
  ];
}

function nearMisses(): NamedFixture[] {
  const b1 = newBuild(ago(3 * 3600), 'nm1');
  const condaRetry = [
    'Collecting package metadata (current_repodata.json): ...working... done',
    'Solving environment: ...working... failed with initial frozen solve. Retrying with flexible solve.',
    'Solving environment: ...working... failed with repodata from current_repodata.json, will retry with next repodata source.',
    'Collecting package metadata (repodata.json): ...working... done',
    'Solving environment: ...working... done',
    ...CONDA_UPDATE_WARNING,
    'Preparing transaction: ...working... done',
    'Verifying transaction: ...working... done',
    'Executing transaction: ...working... done',
  ];
  const b2 = newBuild(ago(3 * 3600), 'nm2');
  const torchFixed = [
    'Looking in indexes: https://pypi.org/simple, https://download.pytorch.org/whl/cu111',
    'Collecting torch==1.9.0+cu111',
    "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='download.pytorch.org', port=443): Read timed out. (read timeout=15)\")': /whl/cu111/torch/",
    '  Downloading https://download.pytorch.org/whl/cu111/torch-1.9.0%2Bcu111-cp38-cp38-linux_x86_64.whl (2041.3 MB)',
    'Installing collected packages: typing-extensions, torch',
    "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. This behaviour is the source of the following dependency conflicts.",
    'azureml-core 1.38.0 requires urllib3<=1.26.7,>=1.23, but you have urllib3 1.26.9 which is incompatible.',
    'Successfully installed torch-1.9.0+cu111 typing-extensions-4.2.0',
  ];
  const b3 = newBuild(ago(5 * 3600), 'nm3');
  const wheelFallback = [
    'Collecting termcolor==1.1.0',
    '  Downloading termcolor-1.1.0.tar.gz (3.9 kB)',
    'Collecting pycocotools==2.0.4',
    'Building wheels for collected packages: termcolor, pycocotools',
    '  Building wheel for termcolor (setup.py): started',
    "  Building wheel for termcolor (setup.py): finished with status 'error'",
    '  ERROR: Failed building wheel for termcolor',
    "  Building wheel for pycocotools (pyproject.toml): finished with status 'done'",
    'Successfully built pycocotools',
    'Failed to build termcolor',
    'Installing collected packages: termcolor, pycocotools',
    '  Running setup.py install for termcolor: started',
    "  Running setup.py install for termcolor: finished with status 'done'",
    'Successfully installed pycocotools-2.0.4 termcolor-1.1.0',
  ];
  const b4 = newBuild(ago(6 * 3600), 'nm4');
  const privateFeed = [
    'Looking in indexes: https://pypi.org/simple, https://pkgs.dev.azure.com/contoso/_packaging/ml/pypi/simple/',
    'Collecting contoso-features==2.3.1',
    'WARNING: 401 Error, Credentials not correct for https://pkgs.dev.azure.com/contoso/_packaging/ml/pypi/simple/contoso-features/',
    '  Downloading contoso_features-2.3.1-py3-none-any.whl (48 kB)',
    'Successfully installed contoso-features-2.3.1',
  ];
  const b5 = newBuild(ago(12 * 60), 'nm5');
  const solving = [
    ...beforeConda(b5),
    'Collecting package metadata (repodata.json): ...working... done',
    'Solving environment: ...working...',
  ];
  const b6 = newBuild(ago(4 * 3600), 'nm6');
  const wrapper = [
    'WARNING: pip is being invoked by an old script wrapper. This will fail in a future version of pip.',
    'Please see https://github.com/pypa/pip/issues/5599 for advice on fixing the underlying issue.',
    "To avoid this problem you can invoke Python with '-m pip' instead of running pip directly.",
    ...pipInstalled(['azureml-inference-server-http==0.7.4', 'xgboost==1.6.1']),
  ];
  const redWarnings = [
    ...condaSolvedAndInstalled().slice(0, 2),
    ...red(['debconf: delaying package configuration, since apt-utils is not installed'], true),
    ...red(["WARNING: The script f2py is installed in '/azureml-envs/bin' which is not on PATH."], true),
    ...condaSolvedAndInstalled().slice(2),
  ];
  return [
    nearMiss('frozen-solve-retry', 'CondaResolveFailure', previousVersionHealthy('churn-model', 'v1'), {
      buildLog: join(successfulBuild(b1, { condaOut: condaRetry })),
      description:
        'successful build whose conda prints "Solving environment: failed with initial frozen solve. Retrying with flexible solve."',
      status: 'Healthy',
    }),
    nearMiss('extra-index-fixed', 'PipPackageNotFound', previousVersionHealthy('blue', 'v2', 'credit-ep'), {
      buildLog: join(successfulBuild(b2, { pipOut: torchFixed, base: BASE_V2 })),
      service: { name: 'blue', provisioning_state: 'Succeeded' },
      description:
        'the torch+cu111 pin installs from the PyTorch index; a pip Read timed out retry and the resolver "ERROR: pip\'s dependency resolver" notice are benign',
      status: 'Healthy',
    }),
    nearMiss('wheel-fallback-succeeded', 'PipBuildFailure', previousVersionHealthy('vision-svc', 'v1'), {
      buildLog: join(successfulBuild(b3, { pipOut: wheelFallback })),
      description:
        'old pip: "Failed building wheel for termcolor" then setup.py install succeeds; the build succeeds',
      status: 'Healthy',
    }),
    nearMiss('private-feed-401-warning', 'RegistryAuthFailure', previousVersionHealthy('ranker', 'v1'), {
      buildLog: join(successfulBuild(b4, { pipOut: privateFeed })),
      service: { name: 'ranker', state: 'Healthy' },
      description:
        'a pip 401 warning for a private feed during the build is not a registry failure; the image is pushed',
      status: 'Healthy',
    }),
    nearMiss('still-solving-recent', 'BuildTimeout', previousVersionHealthy('nlp-svc', 'v1'), {
      buildLog: join(solving),
      // Azure ML reports the service as Transitioning for as long as the update builds: not a hang.
      service: { name: 'nlp-svc', state: 'Transitioning', imageId: 'nlp-svc:4' },
      description:
        'an update being built: the log stops at "Solving environment: ...working..." but the step started 12 min before capture (budget 90 min); the old version serves',
      status: 'Healthy',
    }),
    nearMiss('new-service-still-solving', 'BuildTimeout', nothingDeployed('nlp-new'), {
      buildLog: join(solving),
      service: { name: 'nlp-new', state: 'Transitioning', imageId: 'nlp-new:1' },
      description:
        'a brand-new service whose image is being built (step started 12 min before capture, budget 90 min): nothing is deployed yet, so it is Progressing',
      status: 'Progressing',
    }),
    nearMiss('red-stderr-warnings', 'DockerStepFailure', previousVersionHealthy('detector', 'v1'), {
      buildLog: join(successfulBuild(b6, { pipOut: wrapper, condaOut: redWarnings, aptWarnings: true })),
      description:
        'red stderr that is only warnings (debconf, update-alternatives, pip old script wrapper, conda update notice); successful build',
      status: 'Healthy',
    }),
    nearMiss('base-image-layer-retry', 'BaseImagePullFailure', previousVersionHealthy('pricing-svc', 'v1'), {
      buildLog: join(
        successfulBuild(b4, { pipOut: pipInstalled(['azureml-defaults==1.38.0']) }).flatMap((l) =>
          l.startsWith('Digest: sha256:')
            ? [
                '9e2d3c4b5a61: Retrying in 5 seconds',
                '9e2d3c4b5a61: Retrying in 4 seconds',
                '9e2d3c4b5a61: Download complete',
                l,
              ]
            : [l],
        ),
      ),
      description: 'a base-image layer download retried and then completed; the build succeeds',
      status: 'Healthy',
    }),
  ];
}

export function buildFixtures(): NamedFixture[] {
  return [
    ...condaCases(),
    ...pipNotFoundCases(),
    ...pipBuildCases(),
    ...baseImageCases(),
    ...registryAuthCases(),
    ...timeoutCases(),
    ...dockerStepCases(),
    ...nearMisses(),
  ];
}

/** Raw logs for the classifier's own tests and `amlmon buildlog` (no bundle around them). */
export function rawBuildLogs(): Record<string, string | Uint8Array> {
  const b = newBuild('2024-05-14T08:00:00Z', 'raw1');
  const conflict = [
    ...beforeConda(b),
    ...condaSolvedAndInstalled(),
    ...pipRun(b),
    'Pip subprocess error:',
    'ERROR: Cannot install -r /azureml-environment-setup/condaenv.k2j9x1.requirements.txt (line 3) and numpy==1.19.5 because these package versions have conflicting dependencies.',
    '',
    'The conflict is caused by:',
    '    The user requested numpy==1.19.5',
    '    pandas 2.0.3 depends on numpy>=1.20.3; python_version < "3.10"',
    '',
    'ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts',
    '',
    'CondaEnvException: Pip failed',
    ...acrStepFailed(b, 301, condaCommand(b)),
  ];
  const bkNotFound = [
    ...acrPreamble(b),
    '#2 [internal] load metadata for mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
    '#2 ERROR: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest: not found',
    '------',
    'ERROR: failed to solve: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest: not found',
  ];
  const loginFailed = [
    ...acrPreamble(b).slice(0, 7),
    `${acrTime(b.start, 4)} Error logging in to registry ${b.acr}: unauthorized: authentication required`,
    `Run ID: ${b.runId} failed after 5s. Error: failed to login, err: unauthorized: authentication required`,
  ];
  const running = isoPrefixed(
    [
      ...beforeConda(b).slice(12),
      'Collecting package metadata (repodata.json): ...working... done',
      'Solving environment: ...working...',
    ],
    '2024-05-14T08:00:06Z',
    1,
  );
  const success = successfulBuild(b, { aptWarnings: true });
  return {
    'pip-conflict.log': join(conflict),
    'buildkit-base-not-found.log': join(bkNotFound),
    'acr-login-failed.log': join(loginFailed),
    'solving-timestamped.log': join([...acrPreamble(b).slice(0, 12), ...running]),
    'success-red-warnings.log': join(success),
    'success-esc-crlf.log': join(
      success.map((l) => (l.startsWith('Step ') ? `${ESC}[1m${l}${ESC}[0m` : l)),
      '\r\n',
    ),
    'empty.log': '',
    'not-a-build-log.txt': 'Dear team,\nthe quarterly numbers are attached.\n',
    'build.log.gz': gzipSync(join(conflict)),
  };
}

/** The raw build-log samples, written beside the bundles under test/fixtures/buildlogs/. */
async function writeRawBuildLogs(root: string): Promise<string> {
  const rawDir = joinPath(root, 'buildlogs');
  await rm(rawDir, { recursive: true, force: true });
  await mkdir(rawDir, { recursive: true });
  const raw = rawBuildLogs();
  for (const [file, content] of Object.entries(raw)) await writeFile(joinPath(rawDir, file), content);
  return `${Object.keys(raw).length} raw build logs`;
}

runFixtureGenerator(import.meta.url, buildFixtures, { alsoWrite: writeRawBuildLogs });
