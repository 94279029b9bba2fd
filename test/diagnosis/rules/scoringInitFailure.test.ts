import { describe, expect, it } from 'vitest';
import { scoringInitFailure } from '../../../shared/diagnosis/rules/scoringInitFailure.js';
import { contextOf, evidenceText, fixturesOf, run } from './podRuleHarness.js';

interface Case {
  detail: string;
  title: RegExp;
  evidence: string[];
  remedy: RegExp;
  /** A text the evidence must not contain. */
  notEvidence?: string;
}

const CASES: Record<string, Case> = {
  'ScoringInitFailure.MissingPythonModule.v1-sklearn-crashloop': {
    detail: 'MissingPythonModule',
    title: /^init\(\) failed: No module named 'sklearn'$/,
    evidence: [
      "previous-log ModuleNotFoundError: No module named 'sklearn'",
      'previous-log File "/var/azureml-app/src/score.py", line 12, in init',
      'status waiting CrashLoopBackOff',
    ],
    remedy:
      /Add scikit-learn to the environment's pip dependencies[\s\S]*CondaDependencies\.add_pip_package\("scikit-learn"\)/,
  },
  'ScoringInitFailure.MissingPythonModule.v2-cv2-import-time': {
    detail: 'MissingPythonModule',
    title: /^score\.py failed to import: No module named 'cv2'$/,
    evidence: ["No module named 'cv2'", 'line 6, in <module>', 'Worker (pid:33) exited with code 3'],
    remedy: /opencv-python-headless[\s\S]*conda file \(environment\.conda_file/,
  },
  'ScoringInitFailure.MissingPythonModule.v1-unpickle-version': {
    detail: 'MissingPythonModule',
    title: /No module named 'sklearn\.ensemble\._forest'/,
    evidence: ["No module named 'sklearn.ensemble._forest'", 'score.py", line 17, in init'],
    remedy: /saved with a different scikit-learn version[\s\S]*Pin scikit-learn/,
  },
  'ScoringInitFailure.ImportError.v1-transformers-name': {
    detail: 'ImportError',
    title: /^init\(\) failed: cannot import name 'AutoModelForSeq2SeqLM' from 'transformers'$/,
    evidence: ["cannot import name 'AutoModelForSeq2SeqLM' from 'transformers'"],
    remedy: /installed transformers has no 'AutoModelForSeq2SeqLM'.*pin transformers/,
  },
  'ScoringInitFailure.ImportError.v2-libgl': {
    detail: 'ImportError',
    title: /libGL\.so\.1: cannot open shared object file/,
    evidence: ['ImportError: libGL.so.1', 'score.py", line 14, in init'],
    remedy: /az ml online-deployment update/,
  },
  'ScoringInitFailure.ModelFileNotFound.v1-get-model-path': {
    detail: 'ModelFileNotFound',
    title: /^init\(\) could not find the model file: \.\/sklearn_mnist$/,
    evidence: ['ModelNotFoundException: Model not found in cache or in root at ./sklearn_mnist'],
    remedy: /Model\.get_model_path[\s\S]*\/var\/azureml-app\/azureml-models\/<name>\/<version>/,
  },
  'ScoringInitFailure.ModelFileNotFound.v1-model-blob-404-in-blobs-json': {
    detail: 'ModelFileNotFound',
    title: /^init\(\) could not find the model file: \.\/sklearn_mnist$/,
    evidence: [
      'Model not found in cache or in root',
      'blobs.json: azureml/ExperimentRun/dcid.6962pbpwkjt4/outputs/model.pkl 404',
    ],
    notEvidence: 'tmpmxz672.py',
    remedy: /Model\.get_model_path/,
  },
  'ScoringInitFailure.ModelFileNotFound.v1-onnx-no-such-file-other-name': {
    detail: 'ModelFileNotFound',
    title:
      /could not find the model file: \/var\/azureml-app\/azureml-models\/digits-svc-model\/1\/model\.onnx$/,
    evidence: [
      'NO_SUCHFILE',
      'registered model file: /var/azureml-app/azureml-models/digits-svc-model/1/model.pkl',
    ],
    remedy:
      /Fix the path in score\.py: .* the registered model file is \/var\/azureml-app\/azureml-models\/digits-svc-model\/1\/model\.pkl \(os\.path\.join\(os\.getenv\('AZUREML_MODEL_DIR'\), 'model\.pkl'\)\)/,
  },
  'ScoringInitFailure.ModelFileNotFound.v1-model-path-wrapped-exception': {
    detail: 'ModelFileNotFound',
    title:
      /could not find the model file: \/var\/azureml-app\/azureml-models\/churn-model\/4\/churn_model\.pkl$/,
    evidence: [
      'registered model folder: /var/azureml-app/azureml-models/churn-model/4/model/',
      '(blobs.json 200: /var/azureml-app/azureml-models/churn-model/4/model/model.pkl)',
    ],
    // A folder is never described as a file of that name.
    notEvidence: 'registered model file',
    remedy: /Fix the path in score\.py: .*'model\/model\.pkl'/,
  },
  'ScoringInitFailure.ModelFileNotFound.v1-not-a-directory-file-as-folder': {
    detail: 'ModelFileNotFound',
    title: /model\.pkl\/model\.pkl$/,
    evidence: [
      'NotADirectoryError',
      'registered model file: /var/azureml-app/azureml-models/churn-svc-model/1/model.pkl',
    ],
    remedy: /Fix the path in score\.py/,
  },
  'ScoringInitFailure.ModelFileNotFound.v2-azureml-model-dir': {
    detail: 'ModelFileNotFound',
    title: /\/var\/azureml-app\/azureml-models\/credit-model\/1\/model\.pkl$/,
    evidence: ['FileNotFoundError: [Errno 2] No such file or directory', 'score.py", line 21, in init'],
    remedy: /AZUREML_MODEL_DIR[\s\S]*Model Directory Contents/,
  },
  'ScoringInitFailure.EntryScriptNotFound.v1-no-module-main': {
    detail: 'EntryScriptNotFound',
    title: /could not find the entry script: No module named 'main'/,
    evidence: ["ModuleNotFoundError: No module named 'main'", 'Reason: Worker failed to boot.'],
    remedy: /InferenceConfig\(entry_script=\.\.\., source_directory=\.\.\.\)/,
  },
  'ScoringInitFailure.EntryScriptNotFound.v2-no-score-script': {
    detail: 'EntryScriptNotFound',
    title: /could not find the entry script/,
    evidence: ['No score script found. Expected score script main.py.'],
    remedy: /code_configuration\.scoring_script/,
  },
  'ScoringInitFailure.ServerIncompatibility.v1-jinja2-markup': {
    detail: 'ServerIncompatibility',
    title:
      /^The scoring server's Flask stack is incompatible with the installed jinja2: cannot import name 'Markup' from 'jinja2'$/,
    evidence: ["ImportError: cannot import name 'Markup' from 'jinja2'", 'Reason: Worker failed to boot.'],
    remedy: /jinja2<3\.1.*azureml-defaults to >=1\.43/,
  },
  'ScoringInitFailure.ServerIncompatibility.v1-flask2-register': {
    detail: 'ServerIncompatibility',
    title:
      /incompatible with the installed Flask: register\(\) takes 3 positional arguments but 4 were given/,
    evidence: ['TypeError: register() takes 3 positional arguments but 4 were given'],
    remedy: /do not support Flask 2.*flask<2\.0/,
  },
  'ScoringInitFailure.SyntaxError.v2-invalid-syntax': {
    detail: 'SyntaxError',
    title: /^Syntax error in score\.py line 14: invalid syntax$/,
    evidence: ['SyntaxError: invalid syntax', 'File "/var/azureml-app/onlinescoring/score.py", line 14'],
    remedy: /py_compile/,
  },
  'ScoringInitFailure.SyntaxError.v1-indentation': {
    detail: 'SyntaxError',
    title: /^Syntax error in score\.py line 27: unexpected indent$/,
    evidence: ['IndentationError: unexpected indent', "User's init function failed"],
    remedy: /score\.py line 27/,
  },
  'ScoringInitFailure.InitException.v2-keyerror-env': {
    detail: 'InitException',
    title: /^init\(\) raised KeyError: 'FEATURE_STORE_URL'$/,
    evidence: ["KeyError: 'FEATURE_STORE_URL'", 'score.py", line 18, in init'],
    remedy: /score\.py line 18/,
  },
  'ScoringInitFailure.InitException.v1-connection-string-redacted': {
    detail: 'InitException',
    title: /^init\(\) raised ValueError: Connection string missing/,
    evidence: ['AccountKey=[REDACTED]'],
    remedy: /score\.py line 23/,
  },
};

const { triggers, nearMisses } = fixturesOf('ScoringInitFailure');

describe('scoringInitFailure over its fixtures', () => {
  it('has a case for every triggering fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(triggers);
  });

  it.each(Object.entries(CASES))('%s', async (name, c) => {
    const findings = await run(scoringInitFailure, name);
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({
      code: 'ScoringInitFailure',
      detail: c.detail,
      severity: 'critical',
      stage: 'init',
    });
    expect(f!.title).toMatch(c.title);
    for (const e of c.evidence) expect(evidenceText(f!)).toContain(e);
    if (c.notEvidence) expect(evidenceText(f!)).not.toContain(c.notEvidence);
    expect(f!.remedy.join('\n')).toMatch(c.remedy);
    expect(f!.docs.length).toBeGreaterThan(0);
    // Evidence quotes lines, never the whole log.
    expect(f!.evidence.length).toBeLessThanOrEqual(5);
  });

  it.each(nearMisses)('near-miss %s: no finding, or not the detail it imitates', async (name) => {
    const findings = await run(scoringInitFailure, name);
    const imitated = name.split('.')[2];
    if (imitated === 'ServerIncompatibility') {
      expect(findings.map((f) => f.detail)).toEqual(['ImportError']);
    } else {
      expect(findings).toEqual([]);
    }
  });

  it('never lets the account key out, in any field', async () => {
    const findings = await run(
      scoringInitFailure,
      'ScoringInitFailure.InitException.v1-connection-string-redacted',
    );
    const text = JSON.stringify(findings);
    expect(text).not.toMatch(/q8Z2nV0x|AccountKey=q8/);
    expect(text).toContain('AccountKey=[REDACTED]');
  });

  it('counts one finding for the same failure on all replicas', async () => {
    const findings = await run(
      scoringInitFailure,
      'ScoringInitFailure.MissingPythonModule.v1-unpickle-version',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.explanation).toContain('3 of 3 pods');
  });
});

describe('scoringInitFailure time and state awareness', () => {
  it('reports the old crash once the container is down again (the readiness gate is what made it a near-miss)', async () => {
    const ctx = await contextOf('nearmiss.ScoringInitFailure.ModelFileNotFound.crashed-once-hours-ago-v1');
    expect(scoringInitFailure.diagnose(ctx)).toEqual([]);
    const st = ctx.target.pods[0]!.status!.containerStatuses![0]!;
    st.ready = false;
    st.state = {
      waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
    };
    const findings = scoringInitFailure.diagnose(ctx);
    expect(findings.map((f) => f.detail)).toEqual(['ModelFileNotFound']);
    expect(evidenceText(findings[0]!)).toContain('previous-log');
  });

  it('needs a crash before it trusts an unmarked traceback', async () => {
    const ctx = await contextOf('ScoringInitFailure.MissingPythonModule.v1-sklearn-crashloop');
    const key = [...ctx.snapshot.logs.keys()][0]!;
    const logs = ctx.snapshot.logs.get(key)!;
    // Keep the traceback, drop the server's own failure lines: only an unhandled traceback remains.
    logs.previous = logs
      .previous!.split('\n')
      .filter((l) => !/init function failed|Worker failed to boot|Exit code 3|finish 3/.test(l))
      .join('\n');
    expect(scoringInitFailure.diagnose(ctx).map((f) => f.detail)).toEqual(['MissingPythonModule']);
    const st = ctx.target.pods[0]!.status!.containerStatuses![0]!;
    st.restartCount = 0;
    st.lastState = {};
    st.state = { running: { startedAt: ctx.now } };
    expect(scoringInitFailure.diagnose(ctx)).toEqual([]);
  });

  it('describes a model registered as a folder as a folder, with the file found in it', async () => {
    const [f] = await run(
      scoringInitFailure,
      'ScoringInitFailure.ModelFileNotFound.v1-model-path-wrapped-exception',
    );
    expect(f!.explanation).toContain(
      'The registered model is a folder /var/azureml-app/azureml-models/churn-model/4/model/; the file in it is /var/azureml-app/azureml-models/churn-model/4/model/model.pkl; init() opened /var/azureml-app/azureml-models/churn-model/4/churn_model.pkl.',
    );
    expect(f!.explanation).not.toContain('same folder, different file name');
    expect(f!.explanation).toContain('exit code 3');
  });

  it('tells a script without init()/run() to define them', async () => {
    const ctx = await contextOf('ScoringInitFailure.InitException.v2-keyerror-env');
    const logs = [...ctx.snapshot.logs.values()][0]!;
    logs.previous = logs.previous!.replace(
      "KeyError: 'FEATURE_STORE_URL'",
      "AttributeError: module 'entry_module' has no attribute 'init'",
    );
    const [f] = scoringInitFailure.diagnose(ctx);
    expect(f).toMatchObject({ detail: 'InitException' });
    expect(f!.remedy.join('\n')).toMatch(/must define both init\(\) and run\(\)/);
  });

  it('leaves an OOM kill to the OutOfMemory rule', async () => {
    expect(await run(scoringInitFailure, 'OutOfMemory.none.v1-crashloop-oomkilled')).toEqual([]);
    expect(await run(scoringInitFailure, 'OutOfMemory.none.v2-memoryerror-init')).toEqual([]);
  });
});
