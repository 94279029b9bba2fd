import { describe, expect, it } from 'vitest';
import { classifyTraceback } from '../../../shared/diagnosis/logs/initFailureClass.js';
import { parseLog } from '../../../shared/diagnosis/logs/lines.js';
import { pipPackageFor } from '../../../shared/diagnosis/logs/pipPackages.js';
import { findTracebacks } from '../../../shared/diagnosis/logs/traceback.js';

const SITE = '/azureml-envs/azureml_1/lib/python3.7/site-packages';

function classify(frames: string[], exception: string) {
  const chains = findTracebacks(
    parseLog(['Traceback (most recent call last):', ...frames, exception].join('\n')),
  );
  expect(chains).toHaveLength(1);
  return classifyTraceback(chains[0]!);
}

const USER_INIT = ['  File "/var/azureml-app/score.py", line 12, in init', '    x = 1'];

describe('classifyTraceback', () => {
  it.each([
    [USER_INIT, "ModuleNotFoundError: No module named 'sklearn'", 'MissingPythonModule'],
    [USER_INIT, "ModuleNotFoundError: No module named 'main'", 'EntryScriptNotFound'],
    [
      USER_INIT,
      "ImportError: cannot import name 'AutoModel' from 'transformers' (/x/transformers/__init__.py)",
      'ImportError',
    ],
    [
      USER_INIT,
      'ImportError: libGL.so.1: cannot open shared object file: No such file or directory',
      'ImportError',
    ],
    [USER_INIT, "ImportError: cannot import name 'Markup' from 'jinja2'", 'ImportError'],
    [
      [
        '  File "/var/azureml-server/create_app.py", line 1, in <module>',
        `  File "${SITE}/flask/json/__init__.py", line 6, in <module>`,
      ],
      "ImportError: cannot import name 'Markup' from 'jinja2' (/x/jinja2/__init__.py)",
      'ServerIncompatibility',
    ],
    [
      [`  File "${SITE}/flask/app.py", line 1028, in register_blueprint`],
      'TypeError: register() takes 3 positional arguments but 4 were given',
      'ServerIncompatibility',
    ],
    [['  File "/var/azureml-app/score.py", line 14'], 'SyntaxError: invalid syntax', 'SyntaxError'],
    [['  File "/var/azureml-app/score.py", line 27'], 'IndentationError: unexpected indent', 'SyntaxError'],
    [
      USER_INIT,
      "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/m/1/model.pkl'",
      'ModelFileNotFound',
    ],
    [
      USER_INIT,
      "FileNotFoundError: [Errno 2] No such file or directory: 'model/weights.pt'",
      'ModelFileNotFound',
    ],
    [
      USER_INIT,
      "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/config.json'",
      'InitException',
    ],
    [
      USER_INIT,
      "OSError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/m/1'",
      'ModelFileNotFound',
    ],
    [USER_INIT, 'MemoryError', 'MemoryError'],
    [
      USER_INIT,
      'numpy.core._exceptions._ArrayMemoryError: Unable to allocate 3.73 GiB for an array',
      'MemoryError',
    ],
    [USER_INIT, "KeyError: 'FEATURE_STORE_URL'", 'InitException'],
    [USER_INIT, 'TypeError: init() missing 1 required positional argument', 'InitException'],
  ])('%#: %s', (frames, exception, kind) => {
    expect(classify(frames as string[], exception)?.kind).toBe(kind);
  });

  it('names the module and its pip package, and spots a model pickled with another version', () => {
    const plain = classify(USER_INIT, "ModuleNotFoundError: No module named 'cv2'");
    expect(plain).toMatchObject({ module: 'cv2', pipPackage: 'opencv-python-headless' });
    expect(plain?.unpicklingMismatch).toBeUndefined();
    const pickled = classify(
      [
        ...USER_INIT,
        `  File "${SITE}/joblib/numpy_pickle.py", line 585, in load`,
        '  File "/x/lib/python3.7/pickle.py", line 1426, in find_class',
      ],
      "ModuleNotFoundError: No module named 'sklearn.ensemble._forest'",
    );
    expect(pickled).toMatchObject({
      kind: 'MissingPythonModule',
      pipPackage: 'scikit-learn',
      unpicklingMismatch: true,
    });
    expect(pickled?.frame?.file).toBe('/var/azureml-app/score.py');
  });

  it('lets the most specific part of a chain decide, not the server wrapper', () => {
    const lines = parseLog(
      [
        'Traceback (most recent call last):',
        ...USER_INIT,
        "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/m/1/model.pkl'",
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'Traceback (most recent call last):',
        '  File "/var/azureml-app/score.py", line 14, in init',
        'RuntimeError: could not load the model',
        '',
        'The above exception was the direct cause of the following exception:',
        '',
        'Traceback (most recent call last):',
        '  File "/x/azureml_inference_server_http/server/user_script.py", line 119, in invoke_init',
        'azureml_inference_server_http.server.user_script.UserScriptException: Caught an unhandled exception from the user script',
      ].join('\n'),
    );
    const [chain] = findTracebacks(lines);
    expect(chain!.parts).toHaveLength(3);
    expect(classifyTraceback(chain!)).toMatchObject({
      kind: 'ModelFileNotFound',
      path: '/var/azureml-app/azureml-models/m/1/model.pkl',
    });
  });
});

describe('pipPackageFor', () => {
  it.each([
    ['sklearn', 'scikit-learn'],
    ['sklearn.ensemble._forest', 'scikit-learn'],
    ['cv2', 'opencv-python-headless'],
    ['PIL.Image', 'pillow'],
    ['yaml', 'pyyaml'],
    ['skimage', 'scikit-image'],
    ['azureml.core', 'azureml-core'],
    ['azureml.contrib.services.aml_request', 'azureml-contrib-services'],
    ['azureml.something_else', 'azureml-defaults'],
    ['inference_schema.schema_decorators', 'inference-schema'],
    ['torch.nn', 'torch'],
    ['lightgbm', 'lightgbm'],
  ])('%s → %s', (module, pip) => {
    expect(pipPackageFor(module)).toBe(pip);
  });
});
