import { describe, expect, it } from 'vitest';
import { parseLog } from '../../../shared/diagnosis/logs/lines.js';
import { findTracebacks, isLibraryFrame, userFrame } from '../../../shared/diagnosis/logs/traceback.js';

const SITE = '/opt/miniconda/envs/amlenv/lib/python3.9/site-packages';

describe('findTracebacks', () => {
  it('reads an azmlinfsrv chained traceback: the user exception first, the server wrapper last', () => {
    const lines = parseLog(
      [
        "2023-03-10 09:12:08,530 E [107] azmlinfsrv - User's init function failed",
        '2023-03-10 09:12:08,531 E [107] azmlinfsrv - Encountered Exception Traceback (most recent call last):',
        `  File "${SITE}/azureml_inference_server_http/server/user_script.py", line 117, in invoke_init`,
        '    self._user_init()',
        '  File "/var/azureml-app/onlinescoring/score.py", line 9, in init',
        '    import sklearn',
        "ModuleNotFoundError: No module named 'sklearn'",
        '',
        'The above exception was the direct cause of the following exception:',
        '',
        'Traceback (most recent call last):',
        `  File "${SITE}/azureml_inference_server_http/server/user_script.py", line 119, in invoke_init`,
        '    raise UserScriptException(ex) from ex',
        'azureml_inference_server_http.server.user_script.UserScriptException: Caught an unhandled exception from the user script',
        '2023-03-10 09:12:08,533 I [107] gunicorn.error - Worker exiting (pid: 107)',
      ].join('\n'),
    );
    const chains = findTracebacks(lines);
    expect(chains).toHaveLength(1);
    const [chain] = chains;
    expect(chain!.level).toBe('ERROR');
    expect(chain!.parts.map((p) => p.exception?.type)).toEqual([
      'ModuleNotFoundError',
      'azureml_inference_server_http.server.user_script.UserScriptException',
    ]);
    expect(chain!.parts[0]!.exception?.text).toBe("ModuleNotFoundError: No module named 'sklearn'");
    expect(chain!.endIndex).toBe(13);
    expect(userFrame(chain!)?.text).toBe('File "/var/azureml-app/onlinescoring/score.py", line 9, in init');
  });

  it('keeps SyntaxError frames, which name no function, and their caret lines', () => {
    const lines = parseLog(
      [
        'Traceback (most recent call last):',
        '  File "<frozen importlib._bootstrap>", line 228, in _call_with_frames_removed',
        '  File "/var/azureml-app/score.py", line 14',
        '    def init()',
        '             ^',
        'SyntaxError: invalid syntax',
      ].join('\n'),
    );
    const [chain] = findTracebacks(lines);
    const frame = userFrame(chain!);
    expect(frame).toMatchObject({
      file: '/var/azureml-app/score.py',
      lineNo: 14,
      func: undefined,
      code: 'def init()',
    });
    expect(chain!.parts[0]!.exception).toMatchObject({ type: 'SyntaxError', message: 'invalid syntax' });
  });

  it('takes the Message: line of a multi-line AzureML SDK exception', () => {
    const lines = parseLog(
      [
        'Traceback (most recent call last):',
        '  File "/var/azureml-app/score.py", line 11, in init',
        "    model_path = Model.get_model_path('m')",
        'azureml.exceptions._azureml_exception.ModelNotFoundException: ModelNotFoundException:',
        '\tMessage: Model not found in cache or in root at ./m. For more info,set logging level to DEBUG.',
        '\tInnerException None',
        '{',
        '}',
        'Worker exiting (pid: 45)',
      ].join('\n'),
    );
    const [chain] = findTracebacks(lines);
    expect(chain!.parts[0]!.exception?.text).toBe(
      'azureml.exceptions._azureml_exception.ModelNotFoundException: Model not found in cache or in root at ./m. For more info,set logging level to DEBUG.',
    );
    expect(chain!.endIndex).toBe(7);
  });

  it('inherits the level of the structured line a bare traceback follows', () => {
    const lines = parseLog(
      [
        '2023-03-10 09:12:08,100 W [33] root - optional import failed',
        'Traceback (most recent call last):',
        '  File "/var/azureml-app/score.py", line 3, in init',
        "ModuleNotFoundError: No module named 'onnxruntime'",
        '[2021-03-05 10:12:00 +0000] [45] [ERROR] Exception in worker process',
        'Traceback (most recent call last):',
        '  File "/var/azureml-server/entry.py", line 1, in <module>',
        "ImportError: cannot import name 'Markup' from 'jinja2'",
      ].join('\n'),
    );
    expect(findTracebacks(lines).map((c) => c.level)).toEqual(['WARNING', 'ERROR']);
  });

  it('finds no traceback in faulthandler output or prose that mentions one', () => {
    const lines = parseLog(
      [
        'Fatal Python error: Segmentation fault',
        'Current thread 0x00007f3b2c1ff740 (most recent call first):',
        '  File "/var/azureml-app/score.py", line 25 in init',
        'see the Traceback (most recent call last): section of the docs for details',
      ].join('\n'),
    );
    // The last line ends with the header text only when it is a real header; prose continues after it.
    expect(findTracebacks(lines)).toEqual([]);
  });
});

describe('isLibraryFrame', () => {
  it.each([
    ['/var/azureml-server/aml_blueprint.py', true],
    [`${SITE}/joblib/numpy_pickle.py`, true],
    ['/azureml-envs/azureml_1/lib/python3.7/pickle.py', true],
    ['<frozen importlib._bootstrap>', true],
    ['/var/azureml-app/main.py', false],
    ['/var/azureml-app/src/score.py', false],
  ])('%s → %s', (file, lib) => {
    expect(isLibraryFrame({ file, lineNo: 1, text: '', index: 0 })).toBe(lib);
  });
});
