/** ScoringInitFailure fixtures (one per detail and log format) and their near-misses. */
import { at } from '../kit.js';
import type { Scenario } from './initKit.js';
import { ago, crashLoop, logKey, notAvailable, restartedRunning, startEvents } from './initKit.js';
import {
  V1_SITE,
  V2_SITE,
  joinLog,
  pyTs,
  runitTs,
  v1Boot,
  v1BootCrash,
  v1GunicornFrames,
  v1InitFailed,
  v1InitFrames,
  v1Serving,
  v2Boot,
  v2ImportFailed,
  v2InitFailed,
  v2Serving,
} from './initLogs.js';

// ------------------------------------------------------------------------------------------ tracebacks

const sklearnMissing = v1InitFrames(
  '/var/azureml-app/src/score.py',
  12,
  'from sklearn.externals import joblib',
).concat(["ModuleNotFoundError: No module named 'sklearn'"]);

function v1CrashLog(start: string, traceback: string[], initAt = 3.9): string {
  return joinLog(v1Boot({ start }), v1InitFailed(start, initAt, traceback));
}

// ------------------------------------------------------------------------------------------ scenarios

export const initFailureScenarios: Scenario[] = [
  // ---------------------------------------------------------------- ScoringInitFailure
  {
    name: 'ScoringInitFailure.MissingPythonModule.v1-sklearn-crashloop',
    description:
      'v1 AksWebservice in CrashLoopBackOff; previous log: init() imports sklearn, not in the environment',
    flavor: 'v1',
    svc: 'credit-risk-svc',
    createdAgo: 1500,
    build: (b) => {
      crashLoop(b, { restarts: 6, exitCode: 3, reason: 'Error', lastStartAgo: 200, ran: 5 });
      b.logs[logKey(b, true)] = v1CrashLog(ago(200), sklearnMissing);
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'MissingPythonModule',
        evidenceIncludes: "No module named 'sklearn'",
      },
      absent: [{ code: 'OutOfMemory' }, { code: 'SlowInitProbeFailure' }],
    },
  },
  {
    name: 'ScoringInitFailure.MissingPythonModule.v2-cv2-import-time',
    description:
      'v2 online deployment: score.py imports cv2 at module level; azmlinfsrv fails to load the script',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'vision-ep',
    createdAgo: 900,
    build: (b) => {
      crashLoop(b, { restarts: 4, exitCode: 3, reason: 'Error', lastStartAgo: 150, ran: 6 });
      const o = { start: ago(150) };
      const log = joinLog(
        v2Boot(o, { foundScript: false }),
        v2ImportFailed(
          o,
          5.2,
          ['  File "/var/azureml-app/onlinescoring/score.py", line 6, in <module>', '    import cv2'],
          "ModuleNotFoundError: No module named 'cv2'",
        ),
      );
      b.logs[logKey(b, true)] = log;
      b.logs[logKey(b)] = log;
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'MissingPythonModule',
        evidenceIncludes: "No module named 'cv2'",
      },
    },
  },
  {
    name: 'ScoringInitFailure.MissingPythonModule.v1-unpickle-version',
    description: 'v1, 3 replicas crash-looping: joblib.load of a model pickled with a newer scikit-learn',
    flavor: 'v1',
    svc: 'churn-svc',
    createdAgo: 2400,
    replicas: 3,
    build: (b) => {
      b.o.pods.forEach((pod, i) => {
        crashLoop(
          b,
          { restarts: 8 + i, exitCode: 3, reason: 'Error', lastStartAgo: 180 + i * 20, ran: 9 },
          pod,
        );
        b.logs[logKey(b, true, pod)] = v1CrashLog(
          ago(180 + i * 20),
          [
            ...v1InitFrames('/var/azureml-app/score.py', 17, 'model = joblib.load(model_path)'),
            `  File "${V1_SITE}/joblib/numpy_pickle.py", line 585, in load`,
            '    obj = _unpickle(fobj, filename, mmap_mode)',
            `  File "${V1_SITE}/joblib/numpy_pickle.py", line 504, in _unpickle`,
            '    obj = unpickler.load()',
            '  File "/azureml-envs/azureml_6a0b3d1e5c2f48a9b7e41f0c9d2a5e11/lib/python3.7/pickle.py", line 1088, in load',
            '    dispatch[key[0]](self)',
            '  File "/azureml-envs/azureml_6a0b3d1e5c2f48a9b7e41f0c9d2a5e11/lib/python3.7/pickle.py", line 1376, in load_global',
            '    klass = self.find_class(module, name)',
            '  File "/azureml-envs/azureml_6a0b3d1e5c2f48a9b7e41f0c9d2a5e11/lib/python3.7/pickle.py", line 1426, in find_class',
            '    __import__(module, level=0)',
            "ModuleNotFoundError: No module named 'sklearn.ensemble._forest'",
          ],
          7.4,
        );
      });
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'MissingPythonModule',
        evidenceIncludes: 'sklearn.ensemble._forest',
      },
    },
  },
  {
    name: 'ScoringInitFailure.ImportError.v1-transformers-name',
    description: 'v1: init() imports a class the installed transformers version does not have',
    flavor: 'v1',
    svc: 'summarizer-svc',
    createdAgo: 1300,
    build: (b) => {
      crashLoop(b, { restarts: 5, exitCode: 3, reason: 'Error', lastStartAgo: 140, ran: 12 });
      b.logs[logKey(b, true)] = v1CrashLog(
        ago(140),
        [
          ...v1InitFrames(
            '/var/azureml-app/src/score.py',
            9,
            'from transformers import AutoModelForSeq2SeqLM, AutoTokenizer',
          ),
          `ImportError: cannot import name 'AutoModelForSeq2SeqLM' from 'transformers' (${V1_SITE}/transformers/__init__.py)`,
        ],
        10.8,
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'ImportError',
        evidenceIncludes: "cannot import name 'AutoModelForSeq2SeqLM'",
      },
    },
  },
  {
    name: 'ScoringInitFailure.ImportError.v2-libgl',
    description: 'v2: init() imports cv2 from opencv-python, which needs libGL.so.1 the image lacks',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'ocr-ep',
    createdAgo: 1000,
    build: (b) => {
      crashLoop(b, { restarts: 4, exitCode: 3, reason: 'Error', lastStartAgo: 160, ran: 7 });
      const o = { start: ago(160) };
      b.logs[logKey(b, true)] = joinLog(
        v2Boot(o),
        v2InitFailed(
          o,
          5.9,
          [
            '  File "/var/azureml-app/onlinescoring/score.py", line 14, in init',
            '    import cv2',
            `  File "${V2_SITE}/cv2/__init__.py", line 181, in <module>`,
            '    bootstrap()',
            `  File "${V2_SITE}/cv2/__init__.py", line 153, in bootstrap`,
            '    native_module = importlib.import_module("cv2")',
            '  File "/opt/miniconda/envs/amlenv/lib/python3.9/importlib/__init__.py", line 127, in import_module',
            '    return _bootstrap._gcd_import(name[level:], package, level)',
          ],
          'ImportError: libGL.so.1: cannot open shared object file: No such file or directory',
        ),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'ScoringInitFailure', detail: 'ImportError', evidenceIncludes: 'libGL.so.1' },
    },
  },
  {
    name: 'ScoringInitFailure.ModelFileNotFound.v1-onnx-no-such-file-other-name',
    description: 'v1: onnxruntime cannot load model.onnx; the registered file in that folder is model.pkl',
    flavor: 'v1',
    svc: 'digits-svc',
    createdAgo: 1500,
    build: (b) => {
      crashLoop(b, { restarts: 5, exitCode: 3, reason: 'Error', lastStartAgo: 200, ran: 5 });
      b.logs[logKey(b, true)] = v1CrashLog(
        ago(200),
        [
          ...v1InitFrames(
            '/var/azureml-app/score.py',
            14,
            'session = onnxruntime.InferenceSession(os.path.join(model_dir, "model.onnx"))',
          ),
          `  File "${V1_SITE}/onnxruntime/capi/onnxruntime_inference_collection.py", line 360, in __init__`,
          '    self._create_inference_session(providers, provider_options, disabled_optimizers)',
          `  File "${V1_SITE}/onnxruntime/capi/onnxruntime_inference_collection.py", line 397, in _create_inference_session`,
          '    sess = C.InferenceSession(session_options, self._model_path, True, self._read_config_from_model)',
          "onnxruntime.capi.onnxruntime_pybind11_state.NoSuchFile: [ONNXRuntimeError] : 3 : NO_SUCHFILE : Load model from /var/azureml-app/azureml-models/digits-svc-model/1/model.onnx failed:Load model /var/azureml-app/azureml-models/digits-svc-model/1/model.onnx failed. File doesn't exist",
        ],
        3.1,
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'ModelFileNotFound',
        evidenceIncludes:
          'registered model file: /var/azureml-app/azureml-models/digits-svc-model/1/model.pkl',
      },
    },
  },
  {
    name: 'ScoringInitFailure.ModelFileNotFound.v1-not-a-directory-file-as-folder',
    description: 'v1: get_model_path returns the file; init() joins model.pkl onto it (NotADirectoryError)',
    flavor: 'v1',
    svc: 'churn-svc',
    createdAgo: 1600,
    build: (b) => {
      crashLoop(b, { restarts: 6, exitCode: 3, reason: 'Error', lastStartAgo: 210, ran: 4 });
      b.logs[logKey(b, true)] = v1CrashLog(
        ago(210),
        [
          ...v1InitFrames(
            '/var/azureml-app/score.py',
            12,
            "model = joblib.load(os.path.join(model_path, 'model.pkl'))",
          ),
          `  File "${V1_SITE}/joblib/numpy_pickle.py", line 650, in load`,
          "    with open(filename, 'rb') as f:",
          "NotADirectoryError: [Errno 20] Not a directory: '/var/azureml-app/azureml-models/churn-svc-model/1/model.pkl/model.pkl'",
        ],
        3.4,
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: { code: 'ScoringInitFailure', detail: 'ModelFileNotFound', evidenceIncludes: 'Not a directory' },
    },
  },
  {
    name: 'ScoringInitFailure.ModelFileNotFound.v1-get-model-path',
    description: 'v1: Model.get_model_path() for a model name the deployment does not carry',
    flavor: 'v1',
    svc: 'mnist-svc',
    createdAgo: 1800,
    build: (b) => {
      crashLoop(b, { restarts: 7, exitCode: 3, reason: 'Error', lastStartAgo: 230, ran: 6 });
      b.logs[logKey(b, true)] = v1CrashLog(
        ago(230),
        [
          ...v1InitFrames(
            '/var/azureml-app/score.py',
            11,
            "model_path = Model.get_model_path('sklearn_mnist')",
          ),
          `  File "${V1_SITE}/azureml/core/model.py", line 1563, in get_model_path`,
          '    return Model._get_model_path_local(model_name, version)',
          `  File "${V1_SITE}/azureml/core/model.py", line 1587, in _get_model_path_local`,
          '    return Model._get_model_path_local_from_root(model_name)',
          `  File "${V1_SITE}/azureml/core/model.py", line 1629, in _get_model_path_local_from_root`,
          '    "set logging level to DEBUG.".format(candidate_model_path))',
          'azureml.exceptions._azureml_exception.ModelNotFoundException: ModelNotFoundException:',
          '\tMessage: Model not found in cache or in root at ./sklearn_mnist. For more info,set logging level to DEBUG.',
          '\tInnerException None',
          '\tErrorResponse ',
          '{',
          '    "error": {',
          '        "message": "Model not found in cache or in root at ./sklearn_mnist. For more info,set logging level to DEBUG."',
          '    }',
          '}',
        ],
        4.2,
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'ModelFileNotFound',
        evidenceIncludes: 'Model not found in cache or in root',
      },
    },
  },
  {
    name: 'ScoringInitFailure.ModelFileNotFound.v2-azureml-model-dir',
    description: 'v2: init() joins the wrong file name onto AZUREML_MODEL_DIR',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'credit-ep',
    createdAgo: 1100,
    build: (b) => {
      crashLoop(b, { restarts: 5, exitCode: 3, reason: 'Error', lastStartAgo: 120, ran: 8 });
      const o = { start: ago(120) };
      b.logs[logKey(b, true)] = joinLog(
        v2Boot(o),
        v2InitFailed(
          o,
          6.3,
          [
            '  File "/var/azureml-app/onlinescoring/score.py", line 21, in init',
            '    model = joblib.load(model_path)',
            `  File "${V2_SITE}/joblib/numpy_pickle.py", line 650, in load`,
            "    with open(filename, 'rb') as f:",
          ],
          "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/credit-model/1/model.pkl'",
          [
            'azureml-models',
            'azureml-models/credit-model',
            'azureml-models/credit-model/1',
            'azureml-models/credit-model/1/model',
            'azureml-models/credit-model/1/model/model.pkl',
          ],
        ),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'ModelFileNotFound',
        evidenceIncludes: '/var/azureml-app/azureml-models/credit-model/1/model.pkl',
      },
    },
  },
  {
    name: 'ScoringInitFailure.EntryScriptNotFound.v1-no-module-main',
    description: 'v1: the entry script was not delivered, aml_blueprint cannot import main',
    flavor: 'v1',
    svc: 'forecast-svc',
    createdAgo: 1600,
    build: (b) => {
      crashLoop(b, { restarts: 6, exitCode: 3, reason: 'Error', lastStartAgo: 210, ran: 3 });
      b.logs[logKey(b, true)] = joinLog(
        v1Boot({ start: ago(210) }).slice(0, 13),
        v1BootCrash(ago(210), 1.9, [
          ...v1GunicornFrames(),
          '  File "/var/azureml-server/create_app.py", line 3, in <module>',
          '    from app import main',
          '  File "/var/azureml-server/app.py", line 32, in <module>',
          '    from aml_blueprint import AMLBlueprint',
          '  File "/var/azureml-server/aml_blueprint.py", line 29, in <module>',
          '    import main',
          "ModuleNotFoundError: No module named 'main'",
        ]),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'EntryScriptNotFound',
        evidenceIncludes: "No module named 'main'",
      },
    },
  },
  {
    name: 'ScoringInitFailure.EntryScriptNotFound.v2-no-score-script',
    description: 'v2: scoring_script points at a file that is not in the code folder',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'forecast-ep',
    createdAgo: 800,
    build: (b) => {
      crashLoop(b, { restarts: 3, exitCode: 3, reason: 'Error', lastStartAgo: 100, ran: 5 });
      const o = { start: ago(100), entryScript: '/var/azureml-app/src/scoring.py' };
      const w = 33;
      b.logs[logKey(b, true)] = joinLog(v2Boot(o, { foundScript: false }), [
        `${pyTs(o.start, 4.4)} E [${w}] azmlinfsrv - No score script found. Expected score script main.py.`,
        `${pyTs(o.start, 4.4)} E [${w}] azmlinfsrv - Expected script to be found in PYTHONPATH: ['/var/azureml-app/src', '/opt/miniconda/envs/amlenv/lib/python39.zip', '/opt/miniconda/envs/amlenv/lib/python3.9', '/var/azureml-app']`,
        `${pyTs(o.start, 4.401)} E [${w}] azmlinfsrv - Current contents of AML_APP_ROOT: ['azureml-models', 'src']`,
        `${pyTs(o.start, 4.402)} E [${w}] azmlinfsrv - Traceback (most recent call last):`,
        `  File "${V2_SITE}/azureml_inference_server_http/server/user_script.py", line 67, in load_script`,
        '    main_module_spec = importlib.util.spec_from_file_location("entry_module", self.entry_script)',
        "ModuleNotFoundError: No module named 'main'",
        '',
        `${pyTs(o.start, 4.6)} I [${w}] gunicorn.error - Worker exiting (pid: ${w})`,
        `${pyTs(o.start, 5.0)} E [9] gunicorn.error - Worker (pid:${w}) exited with code 3`,
        `${pyTs(o.start, 5.0)} E [9] gunicorn.error - Reason: Worker failed to boot.`,
        `${runitTs(o.start, 5.2)} - gunicorn/finish 3 0`,
        `${runitTs(o.start, 5.201)} - Exit code 3 is not normal. Killing image.`,
      ]);
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'EntryScriptNotFound',
        evidenceIncludes: 'No score script found',
      },
    },
  },
  {
    name: 'ScoringInitFailure.ServerIncompatibility.v1-jinja2-markup',
    description: 'v1: an old azureml-defaults image with jinja2 3.1: flask cannot import Markup',
    flavor: 'v1',
    svc: 'pricing-svc',
    createdAgo: 1400,
    build: (b) => {
      crashLoop(b, { restarts: 6, exitCode: 3, reason: 'Error', lastStartAgo: 190, ran: 3 });
      b.logs[logKey(b, true)] = joinLog(
        v1Boot({ start: ago(190) }).slice(0, 13),
        v1BootCrash(ago(190), 1.6, [
          ...v1GunicornFrames(),
          '  File "/var/azureml-server/create_app.py", line 1, in <module>',
          '    from flask import Flask',
          `  File "${V1_SITE}/flask/__init__.py", line 14, in <module>`,
          '    from jinja2 import escape',
          `  File "${V1_SITE}/jinja2/__init__.py", line 12, in <module>`,
          '    from .environment import Environment',
          `  File "${V1_SITE}/flask/json/__init__.py", line 6, in <module>`,
          '    from jinja2 import Markup',
          `ImportError: cannot import name 'Markup' from 'jinja2' (${V1_SITE}/jinja2/__init__.py)`,
        ]),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'ServerIncompatibility',
        evidenceIncludes: "cannot import name 'Markup' from 'jinja2'",
      },
    },
  },
  {
    name: 'ScoringInitFailure.ServerIncompatibility.v1-flask2-register',
    description: 'v1: image built before July 2022 with Flask 2: Blueprint.register() signature mismatch',
    flavor: 'v1',
    svc: 'fraud-svc',
    createdAgo: 1700,
    build: (b) => {
      crashLoop(b, { restarts: 7, exitCode: 3, reason: 'Error', lastStartAgo: 170, ran: 3 });
      b.logs[logKey(b, true)] = joinLog(
        v1Boot({ start: ago(170) }).slice(0, 13),
        v1BootCrash(ago(170), 1.8, [
          ...v1GunicornFrames(),
          '  File "/var/azureml-server/create_app.py", line 4, in <module>',
          '    app.register_blueprint(main)',
          `  File "${V1_SITE}/flask/scaffold.py", line 56, in wrapper_func`,
          '    return f(self, *args, **kwargs)',
          `  File "${V1_SITE}/flask/app.py", line 1028, in register_blueprint`,
          '    blueprint.register(self, options)',
          'TypeError: register() takes 3 positional arguments but 4 were given',
        ]),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'ServerIncompatibility',
        evidenceIncludes: 'register() takes 3 positional arguments but 4 were given',
      },
    },
  },
  {
    name: 'ScoringInitFailure.SyntaxError.v2-invalid-syntax',
    description: 'v2: score.py has a syntax error, azmlinfsrv cannot import it',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'reco-ep',
    createdAgo: 700,
    build: (b) => {
      crashLoop(b, { restarts: 3, exitCode: 3, reason: 'Error', lastStartAgo: 90, ran: 5 });
      const o = { start: ago(90) };
      b.logs[logKey(b, true)] = joinLog(
        v2Boot(o, { foundScript: false }),
        v2ImportFailed(
          o,
          4.8,
          ['  File "/var/azureml-app/onlinescoring/score.py", line 14', '    def init()', '              ^'],
          'SyntaxError: invalid syntax',
        ),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'SyntaxError',
        evidenceIncludes: 'SyntaxError: invalid syntax',
      },
    },
  },
  {
    name: 'ScoringInitFailure.SyntaxError.v1-indentation',
    description: 'v1: IndentationError in score.py, raised when the driver imports it during init',
    flavor: 'v1',
    svc: 'anomaly-svc',
    createdAgo: 1300,
    build: (b) => {
      crashLoop(b, { restarts: 5, exitCode: 3, reason: 'Error', lastStartAgo: 150, ran: 4 });
      b.logs[logKey(b, true)] = v1CrashLog(ago(150), [
        '  File "/var/azureml-server/aml_blueprint.py", line 163, in register',
        '    main.init()',
        '  File "/var/azureml-app/main.py", line 31, in init',
        '    driver_module = importlib.import_module("score")',
        '  File "/azureml-envs/azureml_6a0b3d1e5c2f48a9b7e41f0c9d2a5e11/lib/python3.7/importlib/__init__.py", line 127, in import_module',
        '    return _bootstrap._gcd_import(name[level:], package, level)',
        '  File "/var/azureml-app/src/score.py", line 27',
        '    return json.dumps(result)',
        '    ^',
        'IndentationError: unexpected indent',
      ]);
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'SyntaxError',
        evidenceIncludes: 'IndentationError: unexpected indent',
      },
    },
  },
  {
    name: 'ScoringInitFailure.InitException.v2-keyerror-env',
    description: 'v2: init() reads an environment variable the deployment does not set',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'reco-ep',
    createdAgo: 950,
    build: (b) => {
      crashLoop(b, { restarts: 4, exitCode: 3, reason: 'Error', lastStartAgo: 130, ran: 6 });
      const o = { start: ago(130) };
      b.logs[logKey(b, true)] = joinLog(
        v2Boot(o),
        v2InitFailed(
          o,
          5.1,
          [
            '  File "/var/azureml-app/onlinescoring/score.py", line 18, in init',
            '    feature_store = os.environ["FEATURE_STORE_URL"]',
            '  File "/opt/miniconda/envs/amlenv/lib/python3.9/os.py", line 679, in __getitem__',
            '    raise KeyError(key) from None',
          ],
          "KeyError: 'FEATURE_STORE_URL'",
        ),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'InitException',
        evidenceIncludes: "KeyError: 'FEATURE_STORE_URL'",
      },
    },
  },
  {
    name: 'ScoringInitFailure.InitException.v1-connection-string-redacted',
    description:
      'v1: init() fails to reach storage; the exception message carries an account key that must be redacted',
    flavor: 'v1',
    svc: 'ingest-svc',
    createdAgo: 1500,
    build: (b) => {
      crashLoop(b, { restarts: 6, exitCode: 3, reason: 'Error', lastStartAgo: 220, ran: 33 });
      b.logs[logKey(b, true)] = v1CrashLog(
        ago(220),
        [
          ...v1InitFrames(
            '/var/azureml-app/src/score.py',
            23,
            'client = BlobServiceClient.from_connection_string(conn_str)',
          ),
          `  File "${V1_SITE}/azure/storage/blob/_blob_service_client.py", line 174, in from_connection_string`,
          "    account_url, secondary, credential = parse_connection_str(conn_str, credential, 'blob')",
          'ValueError: Connection string missing required connection details: DefaultEndpointsProtocol=https;AccountName=contosofeatures;AccountKey=q8Z2nV0xYk3pL9sR4tW7uE1aB6cD5fG8hJ2kM0nP3qS6vX9yZ1bC4eF7gH0jK3lN6pQ9rT2wU5==;EndpointSuffix=core.windows.net',
        ],
        32.7,
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'InitException',
        evidenceIncludes: 'AccountKey=[REDACTED]',
      },
    },
  },
  // near-misses
  {
    name: 'nearmiss.ScoringInitFailure.MissingPythonModule.handled-warning-v2',
    description:
      'v2 healthy: init() logs a WARNING with the traceback of an optional import, falls back and completes',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'vision-ep',
    createdAgo: 7200,
    build: (b) => {
      startEvents(b, b.pod);
      const o = { start: at(b.created, 30) };
      b.logs[logKey(b)] = joinLog(
        v2Boot(o),
        [
          `${pyTs(o.start, 5.0)} W [33] root - onnxruntime not available, falling back to the pickled sklearn model`,
          'Traceback (most recent call last):',
          '  File "/var/azureml-app/onlinescoring/score.py", line 16, in init',
          '    import onnxruntime as ort',
          "ModuleNotFoundError: No module named 'onnxruntime'",
        ],
        v2Serving(o, 9.4, 4),
      );
    },
    expected: { status: 'Healthy', absent: [{ code: 'ScoringInitFailure' }, { code: 'CrashLoopBackOff' }] },
  },
  {
    name: 'nearmiss.ScoringInitFailure.ImportError.optional-import-warning-v1',
    description:
      'v1 healthy: init() logs an ImportError at WARNING level (optional accelerator) and carries on',
    flavor: 'v1',
    svc: 'sentiment-svc',
    createdAgo: 10800,
    build: (b) => {
      startEvents(b, b.pod);
      const start = at(b.created, 30);
      b.logs[logKey(b)] = joinLog(
        v1Boot({
          start,
          during: [
            `${pyTs(start, 3.2)} | root | WARNING | intel extension unavailable, running stock torch: Traceback (most recent call last):`,
            '  File "/var/azureml-app/src/score.py", line 9, in init',
            '    import intel_extension_for_pytorch as ipex',
            "ImportError: cannot import name 'optimize' from 'intel_extension_for_pytorch' (unknown location)",
          ],
        }),
        v1Serving(start, 14.2),
      );
    },
    expected: { status: 'Healthy', absent: [{ code: 'ScoringInitFailure' }] },
  },
  {
    name: 'nearmiss.ScoringInitFailure.ModelFileNotFound.crashed-once-hours-ago-v1',
    description:
      'v1: the first start raced the model mount (FileNotFoundError) 5 h ago; restarted once, Ready since',
    flavor: 'v1',
    svc: 'mnist-svc',
    createdAgo: 18500,
    build: (b) => {
      restartedRunning(b, {
        restarts: 1,
        exitCode: 3,
        reason: 'Error',
        lastStartAgo: 18440,
        ran: 6,
        ready: true,
      });
      const prevStart = ago(18440);
      b.logs[logKey(b, true)] = v1CrashLog(prevStart, [
        ...v1InitFrames(
          '/var/azureml-app/score.py',
          14,
          "model = joblib.load(os.path.join(os.getenv('AZUREML_MODEL_DIR'), 'model.pkl'))",
        ),
        `  File "${V1_SITE}/joblib/numpy_pickle.py", line 577, in load`,
        "    with open(filename, 'rb') as f:",
        "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/mnist-model/1/model.pkl'",
      ]);
      b.logs[logKey(b)] = joinLog(v1Boot({ start: at(prevStart, 7) }), v1Serving(at(prevStart, 7), 6.1, 5));
    },
    expected: { status: 'Healthy', absent: [{ code: 'ScoringInitFailure' }, { code: 'CrashLoopBackOff' }] },
  },
  {
    name: 'nearmiss.ScoringInitFailure.EntryScriptNotFound.crashed-once-hours-ago-v2',
    description:
      'v2: the first start did not find the score script (code still syncing); Ready for 4 h since',
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'forecast-ep',
    createdAgo: 14500,
    build: (b) => {
      restartedRunning(b, {
        restarts: 1,
        exitCode: 3,
        reason: 'Error',
        lastStartAgo: 14460,
        ran: 5,
        ready: true,
      });
      const o = { start: ago(14460) };
      b.logs[logKey(b, true)] = joinLog(v2Boot(o, { foundScript: false }), [
        `${pyTs(o.start, 4.4)} E [33] azmlinfsrv - No score script found. Expected score script main.py.`,
        `${pyTs(o.start, 4.401)} E [33] azmlinfsrv - Current contents of AML_APP_ROOT: ['azureml-models']`,
        `${pyTs(o.start, 4.6)} E [9] gunicorn.error - Reason: Worker failed to boot.`,
        `${runitTs(o.start, 4.8)} - gunicorn/finish 3 0`,
      ]);
      const o2 = { start: at(o.start, 6) };
      b.logs[logKey(b)] = joinLog(v2Boot(o2), v2Serving(o2, 8.0, 5));
    },
    expected: { status: 'Healthy', absent: [{ code: 'ScoringInitFailure' }, { code: 'CrashLoopBackOff' }] },
  },
  {
    name: 'nearmiss.ScoringInitFailure.InitException.run-error-after-init-v2',
    description:
      'v2 healthy: run() raised for one bad request after init completed; the server keeps serving',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'credit-ep',
    createdAgo: 5400,
    build: (b) => {
      startEvents(b, b.pod);
      const o = { start: at(b.created, 30) };
      b.logs[logKey(b)] = joinLog(v2Boot(o), v2Serving(o, 7.5, 2), [
        `${pyTs(o.start, 1900)} E [33] azmlinfsrv - Encountered Exception Traceback (most recent call last):`,
        `  File "${V2_SITE}/azureml_inference_server_http/server/user_script.py", line 130, in invoke_run`,
        '    run_output = self._wrapped_user_run(**run_parameters, request_headers=dict(request.headers))',
        '  File "/var/azureml-app/onlinescoring/score.py", line 34, in run',
        '    data = np.array(json.loads(raw_data)["data"])',
        "KeyError: 'data'",
        '',
        `${pyTs(o.start, 1900.01)} I [33] azmlinfsrv - POST /score 500 3.112ms 71`,
      ]);
    },
    expected: { status: 'Healthy', absent: [{ code: 'ScoringInitFailure' }] },
  },
  {
    name: 'nearmiss.ScoringInitFailure.ServerIncompatibility.user-jinja2-import-v2',
    description:
      "v2: the user's own code imports Markup from jinja2 (not the server): an ImportError, not a server mismatch",
    flavor: 'v2',
    svc: 'blue',
    endpoint: 'report-ep',
    createdAgo: 900,
    build: (b) => {
      crashLoop(b, { restarts: 4, exitCode: 3, reason: 'Error', lastStartAgo: 110, ran: 6 });
      const o = { start: ago(110) };
      b.logs[logKey(b, true)] = joinLog(
        v2Boot(o),
        v2InitFailed(
          o,
          5.4,
          [
            '  File "/var/azureml-app/onlinescoring/score.py", line 11, in init',
            '    from jinja2 import Markup',
          ],
          `ImportError: cannot import name 'Markup' from 'jinja2' (${V2_SITE}/jinja2/__init__.py)`,
        ),
      );
      notAvailable(b, at(b.created, 40));
    },
    expected: {
      status: 'Failed',
      root: {
        code: 'ScoringInitFailure',
        detail: 'ImportError',
        evidenceIncludes: "cannot import name 'Markup'",
      },
      absent: [{ code: 'ScoringInitFailure', detail: 'ServerIncompatibility' }],
    },
  },
  {
    name: 'nearmiss.ScoringInitFailure.SyntaxError.syntaxwarning-v2',
    description: 'v2 healthy: Python prints a SyntaxWarning for score.py; init completes',
    flavor: 'v2',
    svc: 'green',
    endpoint: 'nlp-ep',
    createdAgo: 3600,
    build: (b) => {
      startEvents(b, b.pod);
      const o = { start: at(b.created, 30) };
      b.logs[logKey(b)] = joinLog(
        v2Boot(o, { foundScript: false }),
        [
          "/var/azureml-app/onlinescoring/score.py:14: SyntaxWarning: invalid escape sequence '\\d'",
          '  PATTERN = re.compile("\\d+-\\d+")',
          `${pyTs(o.start, 4.52)} I [33] azmlinfsrv.user_script - Found user script at /var/azureml-app/onlinescoring/score.py`,
          `${pyTs(o.start, 4.522)} I [33] azmlinfsrv.user_script - Invoking user's init function`,
        ],
        v2Serving(o, 6.0, 3),
      );
    },
    expected: { status: 'Healthy', absent: [{ code: 'ScoringInitFailure' }] },
  },
  {
    name: 'nearmiss.ScoringInitFailure.none.benign-noise-v1',
    description:
      'v1 healthy: the usual alarming-looking noise (iot-server exit 1, SPARK_HOME, Flask-1 shim) and nothing else',
    flavor: 'v1',
    svc: 'sentiment-svc',
    createdAgo: 86400,
    replicas: 2,
    build: (b) => {
      for (const pod of b.o.pods) {
        startEvents(b, pod);
        const start = at(b.created, 30);
        b.logs[logKey(b, false, pod)] = joinLog(
          v1Boot({
            start,
            during: [
              `${pyTs(start, 2.5)} | root | INFO | AML_FLASK_ONE_COMPATIBILITY is set, but patching is not necessary.`,
            ],
          }),
          v1Serving(start, 5.3, 6),
        );
      }
    },
    expected: {
      status: 'Healthy',
      absent: [{ code: 'ScoringInitFailure' }, { code: 'CrashLoopBackOff' }, { code: 'OutOfMemory' }],
    },
  },
];
