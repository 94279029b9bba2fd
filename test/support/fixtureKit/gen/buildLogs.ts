/**
 * Image build logs as Azure ML's ACR Task builds print them: the ACR runner preamble with
 * `YYYY/MM/DD hh:mm:ss` times, classic docker `Step n/m` or BuildKit `#n [..]` output, conda and pip, stderr
 * wrapped in `ESC[91m`…`ESC[0m` (or the bare `[91m` form), and the runner's ending. Each case composes these.
 */
import { hash } from '../kit.js';

export const ESC = '\u001b';

/** `2021/06/02 10:14:07`: ACR Task runner time (UTC). */
export function acrTime(iso: string, plusSeconds = 0): string {
  const d = new Date(Date.parse(iso) + plusSeconds * 1000).toISOString();
  return `${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)} ${d.slice(11, 19)}`;
}

export interface Build {
  /** When the ACR run started (RFC 3339). */
  start: string;
  acr: string;
  runId: string;
  envHash: string;
}

export function newBuild(start: string, seed: string, acr = 'contosoacr4f2a'): Build {
  return {
    start,
    acr: `${acr}.azurecr.io`,
    runId: `c${hash(seed + 'run', 3)}`,
    envHash: hash(seed + 'env', 32).replace(/[^a-f0-9]/g, 'e'),
  };
}

export const imageRef = (b: Build): string => `${b.acr}/azureml/azureml_${b.envHash}`;

/** Red stderr as the log shows it: real ESC codes, or the bare form when the ESC byte was lost. */
export function red(lines: string[], bare = false): string[] {
  const on = bare ? '[91m' : `${ESC}[91m`;
  const off = bare ? '[0m' : `${ESC}[0m`;
  if (lines.length === 0) return [];
  const out = [...lines];
  out[0] = `${on}${out[0]}`;
  out[out.length - 1] = `${out[out.length - 1]}${off}`;
  return out;
}

export function acrPreamble(b: Build, timeoutSec = 5400): string[] {
  const t = (s: number) => acrTime(b.start, s);
  return [
    `${t(0)} Downloading source code...`,
    `${t(1)} Finished downloading source code`,
    `${t(2)} Creating Docker network: acb_default_network, driver: 'bridge'`,
    `${t(2)} Successfully set up Docker network: acb_default_network`,
    `${t(2)} Setting up Docker configuration...`,
    `${t(3)} Successfully set up Docker configuration`,
    `${t(3)} Logging in to registry: ${b.acr}`,
    `${t(4)} Successfully logged into ${b.acr}`,
    `${t(4)} Executing step ID: acb_step_0. Timeout(sec): ${timeoutSec}, Working directory: '', Network: 'acb_default_network'`,
    `${t(4)} Scanning for dependencies...`,
    `${t(5)} Successfully scanned dependencies`,
    `${t(5)} Launching container with name: acb_step_0`,
  ];
}

const LAYERS = ['a1b514f3c2d9', '5f70bf18a086', '9e2d3c4b5a61', '0c8f7e6d5b4a', '3d2e1f0a9b8c'];

export function classicFrom(base: string, total = 15): string[] {
  const repo = base.replace(/^[^/]+\//, '').replace(/[:@].*$/, '');
  const tag = base.includes('@') ? base.slice(base.indexOf('@') + 1) : (base.split(':')[1] ?? 'latest');
  return [
    'Sending build context to Docker daemon  60.93kB',
    '',
    `Step 1/${total} : FROM ${base}`,
    `${tag}: Pulling from ${repo}`,
    ...LAYERS.map((l) => `${l}: Pulling fs layer`),
    ...LAYERS.slice(2).map((l) => `${l}: Waiting`),
    ...LAYERS.map((l) => `${l}: Verifying Checksum`),
    ...LAYERS.map((l) => `${l}: Download complete`),
    ...LAYERS.map((l) => `${l}: Pull complete`),
    `Digest: sha256:${hash(base + 'digest', 64).replace(/[^a-f0-9]/g, '4')}`,
    `Status: Downloaded newer image for ${base}`,
    ' ---> 93a72e6bd1ce',
  ];
}

/** Steps 2–7 of the v1 Dockerfile, before the conda step. */
export function classicSetupSteps(total = 15, aptWarnings = false): string[] {
  const step = (n: number, cmd: string, out: string[] = []) => [
    `Step ${n}/${total} : ${cmd}`,
    ` ---> Running in ${hash(cmd + 'c', 12).replace(/[^a-f0-9]/g, '7')}`,
    ...out,
    `Removing intermediate container ${hash(cmd + 'c', 12).replace(/[^a-f0-9]/g, '7')}`,
    ` ---> ${hash(cmd + 'i', 12).replace(/[^a-f0-9]/g, '2')}`,
  ];
  return [
    ...step(2, 'USER root'),
    ...step(3, 'RUN mkdir -p $HOME/.cache'),
    ...step(4, 'WORKDIR /'),
    ...step(5, 'COPY azureml-environment-setup/99brokenproxy /etc/apt/apt.conf.d/'),
    ...step(
      6,
      'RUN apt-get update && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 && rm -rf /var/lib/apt/lists/*',
      aptWarnings
        ? [
            'Get:1 http://archive.ubuntu.com/ubuntu focal InRelease [265 kB]',
            'Fetched 21.4 MB in 4s (5381 kB/s)',
            'Reading package lists...',
            ...red(['debconf: delaying package configuration, since apt-utils is not installed']),
            'Setting up libglib2.0-0:amd64 (2.64.6-1~ubuntu20.04.7) ...',
            ...red([
              "update-alternatives: warning: skip creation of /usr/share/man/man1/gdbus.1.gz because associated file /usr/share/man/man1/gdbus.1.gz (of link group gdbus) doesn't exist",
            ]),
            'Processing triggers for libc-bin (2.31-0ubuntu9.9) ...',
          ]
        : [],
    ),
    ...step(
      7,
      'COPY azureml-environment-setup/mutated_conda_dependencies.yml azureml-environment-setup/mutated_conda_dependencies.yml',
    ),
  ];
}

export function condaCommand(b: Build): string {
  return `ldconfig /usr/local/cuda/lib64/stubs && conda env create -p /azureml-envs/azureml_${b.envHash} -f azureml-environment-setup/mutated_conda_dependencies.yml && rm -rf "$HOME/.cache/pip" && conda clean -aqy && CONDA_ROOT_DIR=$(conda info --root) && rm -rf "$CONDA_ROOT_DIR/pkgs" && find "$CONDA_ROOT_DIR" -type d -name __pycache__ -exec rm -rf {} + && ldconfig`;
}

export function condaStepHeader(b: Build, total = 15): string[] {
  return [`Step 8/${total} : RUN ${condaCommand(b)}`, ' ---> Running in 6c2d1b0e8a41'];
}

export const CONDA_UPDATE_WARNING = red([
  '',
  '',
  '==> WARNING: A newer version of conda exists. <==',
  '  current version: 4.9.2',
  '  latest version: 4.10.1',
  '',
  'Please update conda by running',
  '',
  '    $ conda update -n base conda',
  '',
  '',
]);

export function condaSolvedAndInstalled(): string[] {
  return [
    'Collecting package metadata (repodata.json): ...working... done',
    'Solving environment: ...working... done',
    ...CONDA_UPDATE_WARNING,
    '',
    'Downloading and Extracting Packages',
    'python-3.8.13       | 22.0 MB   | ########## | 100% ',
    'pip-22.1.2          | 2.9 MB    | ########## | 100% ',
    'Preparing transaction: ...working... done',
    'Verifying transaction: ...working... done',
    'Executing transaction: ...working... done',
  ];
}

export function pipRun(b: Build): string[] {
  return [
    'Installing pip dependencies: ...working... Ran pip subprocess with arguments:',
    `['/azureml-envs/azureml_${b.envHash}/bin/python', '-m', 'pip', 'install', '-U', '-r', '/azureml-environment-setup/condaenv.k2j9x1.requirements.txt']`,
    'Pip subprocess output:',
  ];
}

export function pipInstalled(pkgs: string[]): string[] {
  const out: string[] = [];
  for (const p of pkgs) {
    const [name, version] = p.split('==');
    out.push(
      `Collecting ${p}`,
      `  Downloading ${(name ?? p).replace(/-/g, '_')}-${version ?? '1.0.0'}-py3-none-any.whl (1.2 MB)`,
    );
  }
  out.push(`Installing collected packages: ${pkgs.map((p) => p.split('==')[0]).join(', ')}`);
  out.push(`Successfully installed ${pkgs.map((p) => p.replace('==', '-')).join(' ')}`);
  return out;
}

export function condaDone(b: Build): string[] {
  return [
    '',
    'done',
    '#',
    '# To activate this environment, use',
    '#',
    `#     $ conda activate /azureml-envs/azureml_${b.envHash}`,
    '#',
    '# To deactivate an active environment, use',
    '#',
    '#     $ conda deactivate',
    '',
    'Removing intermediate container 6c2d1b0e8a41',
    ' ---> 4f1a9c2b7d3e',
  ];
}

export function classicFinalSteps(b: Build, total = 15): string[] {
  const out: string[] = [];
  const cmds = [
    `ENV PATH /azureml-envs/azureml_${b.envHash}/bin:$PATH`,
    `ENV AZUREML_CONDA_ENVIRONMENT_PATH /azureml-envs/azureml_${b.envHash}`,
    `ENV LD_LIBRARY_PATH /azureml-envs/azureml_${b.envHash}/lib:$LD_LIBRARY_PATH`,
    'COPY azureml-environment-setup/spark_cache.py azureml-environment-setup/log4j.properties /azureml-environment-setup/',
    "RUN if [ $SPARK_HOME ]; then /bin/bash -c '$SPARK_HOME/bin/spark-submit  /azureml-environment-setup/spark_cache.py'; fi",
    'ENV AZUREML_ENVIRONMENT_IMAGE True',
    'CMD ["bash"]',
  ];
  cmds.forEach((cmd, i) => {
    const id = hash(cmd + 'x', 12).replace(/[^a-f0-9]/g, '5');
    out.push(
      `Step ${9 + i}/${total} : ${cmd}`,
      ` ---> Running in ${id}`,
      `Removing intermediate container ${id}`,
      ` ---> ${hash(cmd + 'y', 12).replace(/[^a-f0-9]/g, '6')}`,
    );
  });
  const last = out[out.length - 1]?.replace(' ---> ', '') ?? '3f2a9b8c7d6e';
  out.push(`Successfully built ${last}`, `Successfully tagged ${imageRef(b)}:latest`);
  return out;
}

/** The runner's successful ending: push and run summary, `at` seconds after the start. */
export function acrPushSuccess(b: Build, at: number): string[] {
  const t = (s: number) => acrTime(b.start, at + s);
  return [
    `${t(0)} Successfully executed container: acb_step_0`,
    `${t(0)} Executing step ID: acb_step_1. Timeout(sec): 5400, Working directory: '', Network: 'acb_default_network'`,
    `${t(0)} Pushing image: ${imageRef(b)}:latest, attempt 1`,
    `The push refers to repository [${imageRef(b)}]`,
    ...LAYERS.map((l) => `${l}: Preparing`),
    ...LAYERS.map((l) => `${l}: Pushed`),
    `latest: digest: sha256:${hash(b.envHash + 'push', 64).replace(/[^a-f0-9]/g, '8')} size: 3883`,
    `${t(95)} Successfully pushed image: ${imageRef(b)}:latest`,
    `${t(95)} Step ID: acb_step_0 marked as successful (elapsed time in seconds: ${at - 5})`,
    `${t(95)} Step ID: acb_step_1 marked as successful (elapsed time in seconds: 95.1)`,
    '',
    `Run ID: ${b.runId} was successful after ${Math.floor((at + 96) / 60)}m${(at + 96) % 60}s`,
  ];
}

/** The runner's failing ending after a docker step exited non-zero, `at` seconds after the start. */
export function acrStepFailed(b: Build, at: number, command: string, code = 1): string[] {
  return [
    `The command '/bin/sh -c ${command}' returned a non-zero code: ${code}`,
    `${acrTime(b.start, at)} Container failed during run: acb_step_0. No retries remaining.`,
    `failed to run step ID: acb_step_0: exit status ${code}`,
    '',
    `Run ID: ${b.runId} failed after ${Math.floor(at / 60)}m${at % 60}s. Error: failed during run, err: exit status 1`,
  ];
}

/** Prefixes every line with `2024-09-05T15:26:38: ` (the newer log format), `perLine` seconds apart. */
export function isoPrefixed(lines: string[], start: string, perLine = 0.25): string[] {
  return lines.map(
    (l, i) =>
      `${new Date(Date.parse(start) + Math.floor(i * perLine) * 1000).toISOString().slice(0, 19)}: ${l}`,
  );
}

export const join = (lines: string[], eol = '\n'): string => lines.join(eol) + eol;
