/**
 * Realistic scoring-container logs for the init group's fixtures: the v1 azureml-server image (runit, gunicorn
 * 19.9, `<ts> | root | LEVEL | msg`) and the v2 azmlinfsrv 0.8 server (banner, Server Settings block,
 * `<UTC> <L> [<pid>] <logger> - <msg>`). Shapes follow real v1 scoring logs and the server's own source.
 */

function shifted(base: string, plusSeconds: number): Date {
  return new Date(Date.parse(base) + Math.round(plusSeconds * 1000));
}

/** runit: `2024-05-14T10:12:03,123456789+00:00`. */
export function runitTs(base: string, plus: number): string {
  const d = shifted(base, plus).toISOString();
  const sub = String(Math.round((plus * 1e9) % 1e6)).padStart(6, '0');
  return `${d.slice(0, 19)},${d.slice(20, 23)}${sub}+00:00`;
}

/** logging.Formatter asctime: `2024-05-14 10:12:03,123`. */
export function pyTs(base: string, plus: number): string {
  const d = shifted(base, plus).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)},${d.slice(20, 23)}`;
}

/** Access-log time: `14/May/2024:10:12:33 +0000`. */
export function accessTs(base: string, plus: number): string {
  const d = shifted(base, plus);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export const V1_ENV = '/azureml-envs/azureml_6a0b3d1e5c2f48a9b7e41f0c9d2a5e11';
export const V1_SITE = `${V1_ENV}/lib/python3.7/site-packages`;
export const V2_SITE = '/opt/miniconda/envs/amlenv/lib/python3.9/site-packages';

// ---------------------------------------------------------------- v1: azureml-server (2019–2022 images)

export interface V1LogOptions {
  start: string;
  workerPid?: number;
  /** Lines the user's init() prints or logs before it finishes/fails. */
  during?: string[];
  /** gunicorn's timeout as printed by the image's pre_fork hook (WORKER_TIMEOUT, default 300). */
  workerTimeout?: number;
  gunicorn?: string;
}

/** From container start to `Invoking user's init function`, benign noise included. */
export function v1Boot(o: V1LogOptions): string[] {
  const t = o.start;
  const pid = o.workerPid ?? 45;
  return [
    `${runitTs(t, 0)} - iot-server/run `,
    `${runitTs(t, 0.001)} - rsyslog/run `,
    `${runitTs(t, 0.031)} - gunicorn/run `,
    `${runitTs(t, 0.039)} - nginx/run `,
    'EdgeHubConnectionString and IOTEDGE_IOTHUBHOSTNAME are not set. Exiting...',
    `${runitTs(t, 0.313)} - iot-server/finish 1 0`,
    `${runitTs(t, 0.321)} - Exit code 1 is normal. Not restarting iot-server.`,
    `Starting gunicorn ${o.gunicorn ?? '19.9.0'}`,
    'Listening at: http://127.0.0.1:31311 (13)',
    'Using worker: sync',
    `worker timeout is set to ${o.workerTimeout ?? 300}`,
    `Booting worker with pid: ${pid}`,
    'SPARK_HOME not set. Skipping PySpark Initialization.',
    'Initializing logger',
    `${pyTs(t, 2.104)} | root | INFO | Starting up app insights client`,
    `${pyTs(t, 2.105)} | root | INFO | Starting up request id generator`,
    `${pyTs(t, 2.105)} | root | INFO | Starting up app insight hooks`,
    `${pyTs(t, 2.106)} | root | INFO | Invoking user's init function`,
    ...(o.during ?? []),
  ];
}

/** init() succeeded and the probe/score traffic that follows. */
export function v1Serving(t: string, initSeconds: number, requests = 3): string[] {
  const out = [
    `${pyTs(t, initSeconds)} | root | INFO | Users's init has completed successfully`,
    `${pyTs(t, initSeconds + 0.004)} | root | INFO | Skipping middleware: dbg_model_info as it's not enabled.`,
    `${pyTs(t, initSeconds + 0.004)} | root | INFO | Skipping middleware: dbg_resource_usage as it's not enabled.`,
    `${pyTs(t, initSeconds + 0.006)} | root | INFO | Scoring timeout is found from os.environ: 60000 ms`,
    `${pyTs(t, initSeconds + 0.007)} | root | INFO | Swagger file not present`,
  ];
  for (let i = 0; i < requests; i++) {
    const at = initSeconds + 20 + i * 10;
    out.push(`${pyTs(t, at)} | root | INFO | 200`);
    out.push(`127.0.0.1 - - [${accessTs(t, at)}] "GET / HTTP/1.0" 200 7 "-" "kube-probe/1.28"`);
  }
  return out;
}

/** The old server's init failure: marker, traceback, gunicorn giving up, runit exit 3. */
export function v1InitFailed(t: string, at: number, traceback: string[], workerPid = 45): string[] {
  return [
    `${pyTs(t, at)} | root | ERROR | User's init function failed`,
    `${pyTs(t, at + 0.001)} | root | ERROR | Encountered Exception Traceback (most recent call last):`,
    ...traceback,
    '',
    `Worker exiting (pid: ${workerPid})`,
    'Shutting down: Master',
    'Reason: Worker failed to boot.',
    `${runitTs(t, at + 0.9)} - gunicorn/finish 3 0`,
    `${runitTs(t, at + 0.901)} - Exit code 3 is not normal. Killing image.`,
  ];
}

/** A crash while gunicorn loads the app, before init() (imports of the server or of main.py). */
export function v1BootCrash(t: string, at: number, traceback: string[], workerPid = 45): string[] {
  return [
    `[${pyTs(t, at).replace(/,\d+$/, '')} +0000] [${workerPid}] [ERROR] Exception in worker process`,
    'Traceback (most recent call last):',
    ...traceback,
    `Worker exiting (pid: ${workerPid})`,
    'Shutting down: Master',
    'Reason: Worker failed to boot.',
    `${runitTs(t, at + 0.7)} - gunicorn/finish 3 0`,
    `${runitTs(t, at + 0.701)} - Exit code 3 is not normal. Killing image.`,
  ];
}

/** The frames from aml_blueprint into the user's score.py through the generated main.py driver. */
export function v1InitFrames(userFile: string, line: number, code: string): string[] {
  return [
    '  File "/var/azureml-server/aml_blueprint.py", line 163, in register',
    '    main.init()',
    '  File "/var/azureml-app/main.py", line 35, in init',
    '    driver_module.init()',
    `  File "${userFile}", line ${line}, in init`,
    `    ${code}`,
  ];
}

/** gunicorn's own startup lines in the old images (no prefix), before the worker boots. */
export function v1GunicornFrames(): string[] {
  return [
    `  File "${V1_SITE}/gunicorn/arbiter.py", line 583, in spawn_worker`,
    '    worker.init_process()',
    `  File "${V1_SITE}/gunicorn/workers/base.py", line 129, in init_process`,
    '    self.load_wsgi()',
    `  File "${V1_SITE}/gunicorn/workers/base.py", line 138, in load_wsgi`,
    '    self.wsgi = self.app.wsgi()',
    `  File "${V1_SITE}/gunicorn/app/base.py", line 67, in wsgi`,
    '    self.callable = self.load()',
    `  File "${V1_SITE}/gunicorn/app/wsgiapp.py", line 52, in load`,
    '    return self.load_wsgiapp()',
    `  File "${V1_SITE}/gunicorn/app/wsgiapp.py", line 41, in load_wsgiapp`,
    '    return util.import_app(self.app_uri)',
    `  File "${V1_SITE}/gunicorn/util.py", line 350, in import_app`,
    '    __import__(module)',
    '  File "/var/azureml-server/entry.py", line 1, in <module>',
    '    import create_app',
  ];
}

// ---------------------------------------------------------------- v2: azmlinfsrv 0.8

export interface V2LogOptions {
  start: string;
  entryScript?: string;
  modelDir?: string;
  masterPid?: number;
  workerPid?: number;
}

/** Banner, Server Settings, gunicorn start, worker boot; ends right after the user script is found. */
export function v2Boot(o: V2LogOptions, opts: { foundScript?: boolean } = {}): string[] {
  const t = o.start;
  const entry = o.entryScript ?? '/var/azureml-app/onlinescoring/score.py';
  const m = o.masterPid ?? 9;
  const w = o.workerPid ?? 33;
  const g = (plus: number, text: string) => `${runitTs(t, plus)} | gunicorn/run | ${text}`;
  const lines = [
    `${runitTs(t, 0)} - gunicorn/run `,
    g(0.002, ''),
    g(0.003, '###############################################'),
    g(0.004, 'AzureML Container Runtime Information'),
    g(0.005, '###############################################'),
    g(0.006, ''),
    g(0.007, ''),
    g(0.01, 'AzureML image information: openmpi4.1.0-ubuntu20.04, Materializaton Build:20230509.v1'),
    g(0.011, ''),
    g(0.012, ''),
    g(
      0.013,
      'PATH environment variable: /opt/miniconda/envs/amlenv/bin:/opt/miniconda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ),
    g(0.014, 'PYTHONPATH environment variable: '),
    g(0.015, ''),
    g(0.62, 'Pip Dependencies (before dynamic installation)'),
    g(0.621, ''),
    g(0.622, 'azureml-inference-server-http==0.8.4'),
    g(0.623, 'Flask==2.2.5'),
    g(0.624, 'gunicorn==20.1.0'),
    g(0.625, 'numpy==1.24.3'),
    g(0.626, ''),
    g(0.7, '###############################################'),
    g(0.701, 'Checking if the Python package azureml-inference-server-http is installed'),
    g(0.702, '###############################################'),
    g(0.703, ''),
    g(1.2, ''),
    g(1.201, '###############################################'),
    g(1.202, 'Starting HTTP server'),
    g(1.203, '###############################################'),
    g(1.204, ''),
    'Starting AzureML Inference Server HTTP.',
    '',
    'Azure ML Inferencing HTTP server v0.8.4',
    '',
    '',
    'Server Settings',
    '---------------',
    `Entry Script Name: ${entry}`,
    `Model Directory: ${o.modelDir ?? '/var/azureml-app/azureml-models/credit-model/1'}`,
    'Worker Count: 1',
    'Worker Timeout (seconds): 300',
    'Server Port: 5001',
    'Application Insights Enabled: false',
    'Application Insights Key: None',
    'Inferencing HTTP server version: azmlinfsrv/0.8.4',
    'CORS for the specified origins: None',
    '',
    '',
    'Server Routes',
    '---------------',
    'Liveness Probe: GET   127.0.0.1:5001/',
    'Score:          POST  127.0.0.1:5001/score',
    '',
    `${pyTs(t, 2.301)} I [${m}] gunicorn.error - Starting gunicorn 20.1.0`,
    `${pyTs(t, 2.302)} I [${m}] gunicorn.error - Listening at: http://0.0.0.0:5001 (${m})`,
    `${pyTs(t, 2.302)} I [${m}] gunicorn.error - Using worker: sync`,
    `${pyTs(t, 2.305)} I [${w}] gunicorn.error - Booting worker with pid: ${w}`,
    'Initializing logger',
    `${pyTs(t, 3.118)} I [${w}] azmlinfsrv - Starting up app insights client`,
  ];
  if (opts.foundScript !== false) {
    lines.push(
      `${pyTs(t, 4.52)} I [${w}] azmlinfsrv.user_script - Found user script at ${entry}`,
      `${pyTs(t, 4.521)} I [${w}] azmlinfsrv.user_script - run() is not decorated. Server will invoke it with the input in JSON string.`,
      `${pyTs(t, 4.522)} I [${w}] azmlinfsrv.user_script - Invoking user's init function`,
    );
  }
  return lines;
}

export function v2Serving(o: V2LogOptions, initSeconds: number, requests = 3): string[] {
  const t = o.start;
  const w = o.workerPid ?? 33;
  const out = [
    `${pyTs(t, initSeconds)} I [${w}] azmlinfsrv.user_script - Users's init has completed successfully`,
    `${pyTs(t, initSeconds + 0.01)} I [${w}] azmlinfsrv.swagger - Swaggers are prepared for the following versions: [2, 3, 3.1].`,
    `${pyTs(t, initSeconds + 0.011)} I [${w}] azmlinfsrv - Scoring timeout is set to 60000`,
    `${pyTs(t, initSeconds + 0.011)} I [${w}] azmlinfsrv - Worker with pid ${w} ready for serving traffic`,
  ];
  for (let i = 0; i < requests; i++) {
    const at = initSeconds + 30 + i * 17;
    out.push(`${pyTs(t, at)} I [${w}] azmlinfsrv - POST /score 200 ${(41.3 + i * 7.9).toFixed(3)}ms 24`);
    out.push(
      `${pyTs(t, at + 0.001)} I [${w}] gunicorn.access - 10.244.1.9 - - [${accessTs(t, at)}] "POST /score HTTP/1.0" 200 24 "-" "python-requests/2.31.0"`,
    );
  }
  return out;
}

function v2ServerExit(o: V2LogOptions, at: number): string[] {
  const t = o.start;
  const m = o.masterPid ?? 9;
  const w = o.workerPid ?? 33;
  return [
    `${pyTs(t, at)} I [${w}] gunicorn.error - Worker exiting (pid: ${w})`,
    `${pyTs(t, at + 0.41)} E [${m}] gunicorn.error - Worker (pid:${w}) exited with code 3`,
    `${pyTs(t, at + 0.412)} E [${m}] gunicorn.error - Shutting down: Master`,
    `${pyTs(t, at + 0.412)} E [${m}] gunicorn.error - Reason: Worker failed to boot.`,
    `${runitTs(t, at + 0.6)} - gunicorn/finish 3 0`,
    `${runitTs(t, at + 0.601)} - Exit code 3 is not normal. Killing image.`,
  ];
}

/** init() raised: azmlinfsrv wraps the user's exception in UserScriptException (a chained traceback). */
export function v2InitFailed(
  o: V2LogOptions,
  at: number,
  userFrames: string[],
  exceptionLine: string,
  modelListing: string[] = [],
): string[] {
  const t = o.start;
  const w = o.workerPid ?? 33;
  return [
    `${pyTs(t, at)} E [${w}] azmlinfsrv - User's init function failed`,
    `${pyTs(t, at + 0.001)} E [${w}] azmlinfsrv - Encountered Exception Traceback (most recent call last):`,
    `  File "${V2_SITE}/azureml_inference_server_http/server/user_script.py", line 117, in invoke_init`,
    '    self._user_init()',
    ...userFrames,
    exceptionLine,
    '',
    'The above exception was the direct cause of the following exception:',
    '',
    'Traceback (most recent call last):',
    `  File "${V2_SITE}/azureml_inference_server_http/server/aml_blueprint.py", line 111, in setup`,
    '    self.user_script.invoke_init()',
    `  File "${V2_SITE}/azureml_inference_server_http/server/user_script.py", line 119, in invoke_init`,
    '    raise UserScriptException(ex) from ex',
    'azureml_inference_server_http.server.user_script.UserScriptException: Caught an unhandled exception from the user script',
    '',
    ...(modelListing.length
      ? [
          `${pyTs(t, at + 0.01)} I [${w}] azmlinfsrv - Model Directory Contents:`,
          ...modelListing.map((l) => `${pyTs(t, at + 0.011)} I [${w}] azmlinfsrv - ${l}`),
        ]
      : []),
    ...v2ServerExit(o, at + 0.2),
  ];
}

/** The entry script failed to import (module-level code): UserScriptImportException, before init(). */
export function v2ImportFailed(
  o: V2LogOptions,
  at: number,
  userFrames: string[],
  exceptionLine: string,
  preamble: string[] = [],
): string[] {
  const t = o.start;
  const w = o.workerPid ?? 33;
  return [
    ...preamble.map((p) => `${pyTs(t, at)} E [${w}] azmlinfsrv - ${p}`),
    `${pyTs(t, at + 0.001)} E [${w}] azmlinfsrv - Traceback (most recent call last):`,
    `  File "${V2_SITE}/azureml_inference_server_http/server/user_script.py", line 74, in load_script`,
    '    main_module_spec.loader.exec_module(user_module)',
    '  File "<frozen importlib._bootstrap_external>", line 850, in exec_module',
    '  File "<frozen importlib._bootstrap>", line 228, in _call_with_frames_removed',
    ...userFrames,
    exceptionLine,
    '',
    'The above exception was the direct cause of the following exception:',
    '',
    'Traceback (most recent call last):',
    `  File "${V2_SITE}/azureml_inference_server_http/server/aml_blueprint.py", line 91, in setup`,
    '    self.user_script.load_script(config.app_root)',
    `  File "${V2_SITE}/azureml_inference_server_http/server/user_script.py", line 76, in load_script`,
    '    raise UserScriptImportException(ex) from ex',
    'azureml_inference_server_http.server.user_script.UserScriptImportException: Failed to import user script because it raised an unhandled exception',
    '',
    ...v2ServerExit(o, at + 0.15),
  ];
}

export function joinLog(...parts: string[][]): string {
  return parts.flat().join('\n') + '\n';
}
