import { describe, expect, it } from 'vitest';
import {
  analyzeScoringLog,
  lastMeaningfulLine,
  meaningfulTail,
} from '../../../shared/diagnosis/logs/scoringLog.js';

const ts = (s: number) => `2024-05-14 10:00:${String(s).padStart(2, '0')},000`;

const BOOT = [
  '2024-05-14T10:00:00,000000000+00:00 - iot-server/run ',
  'EdgeHubConnectionString and IOTEDGE_IOTHUBHOSTNAME are not set. Exiting...',
  '2024-05-14T10:00:00,300000000+00:00 - iot-server/finish 1 0',
  '2024-05-14T10:00:00,310000000+00:00 - Exit code 1 is normal. Not restarting iot-server.',
  'Booting worker with pid: 45',
  'SPARK_HOME not set. Skipping PySpark Initialization.',
  `${ts(2)} | root | INFO | Invoking user's init function`,
];

describe('analyzeScoringLog', () => {
  it('finds a confirmed init failure and classifies it', () => {
    const a = analyzeScoringLog(
      [
        ...BOOT,
        `${ts(3)} | root | ERROR | User's init function failed`,
        `${ts(3)} | root | ERROR | Encountered Exception Traceback (most recent call last):`,
        '  File "/var/azureml-app/score.py", line 12, in init',
        "ModuleNotFoundError: No module named 'sklearn'",
        'Reason: Worker failed to boot.',
        '2024-05-14T10:00:04,000000000+00:00 - Exit code 3 is not normal. Killing image.',
      ].join('\n'),
    );
    expect(a.initStarted?.index).toBe(6);
    expect(a.initCompleted).toBeUndefined();
    expect(a.failureMarker?.message).toBe("User's init function failed");
    expect(a.fatal).toMatchObject({
      confirmed: true,
      failure: { kind: 'MissingPythonModule', module: 'sklearn' },
    });
  });

  it('ignores a WARNING traceback and one raised by run() after init completed', () => {
    const a = analyzeScoringLog(
      [
        ...BOOT,
        `${ts(3)} | root | WARNING | optional accelerator missing: Traceback (most recent call last):`,
        '  File "/var/azureml-app/score.py", line 5, in init',
        "ImportError: cannot import name 'optimize' from 'ipex' (unknown location)",
        `${ts(4)} | root | INFO | Users's init has completed successfully`,
        `${ts(9)} | root | ERROR | Encountered Exception Traceback (most recent call last):`,
        '  File "/var/azureml-app/score.py", line 30, in run',
        "KeyError: 'data'",
      ].join('\n'),
    );
    expect(a.initCompleted?.message).toBe("Users's init has completed successfully");
    expect(a.fatal).toBeUndefined();
  });

  it('treats an unmarked ERROR traceback at the end of the log as unconfirmed', () => {
    const a = analyzeScoringLog(
      [
        ...BOOT,
        'Traceback (most recent call last):',
        '  File "/var/azureml-app/score.py", line 5, in init',
        'RuntimeError: CUDA error: no kernel image is available',
      ].join('\n'),
    );
    expect(a.fatal).toMatchObject({ confirmed: false, failure: { kind: 'InitException' } });
  });

  it('reports a missing score script from the server message alone', () => {
    const a = analyzeScoringLog(
      `${ts(4)} E [33] azmlinfsrv - No score script found. Expected score script main.py.\n`,
    );
    expect(a.fatal).toMatchObject({ confirmed: true, failure: { kind: 'EntryScriptNotFound' } });
  });

  it('pairs worker kills with the timeouts before them', () => {
    const a = analyzeScoringLog(
      [
        `${ts(10)} C [9] gunicorn.error - WORKER TIMEOUT (pid:33)`,
        `${ts(10)} W [9] gunicorn.error - Worker with pid 33 was terminated due to signal 6`,
        `${ts(20)} E [9] gunicorn.error - Worker (pid:412) was sent SIGKILL! Perhaps out of memory?`,
      ].join('\n'),
    );
    expect(a.workerTimeouts).toHaveLength(1);
    expect(a.workerKills.map((k) => [k.pid, k.signal, k.afterTimeout])).toEqual([
      [33, 'signal 6', true],
      [412, 'SIGKILL', false],
    ]);
  });

  it("tells a timeout inside init() from one while serving, and counts the old image's double line once", () => {
    const a = analyzeScoringLog(
      [
        'worker timeout is set to 300',
        ...BOOT,
        'WORKER TIMEOUT (pid:45)',
        'worker timed out, killing gunicorn',
        'Booting worker with pid: 97',
        `${ts(40)} | root | INFO | Invoking user's init function`,
        `${ts(50)} | root | INFO | Users's init has completed successfully`,
        'WORKER TIMEOUT (pid:97)',
        'worker timed out, killing gunicorn',
        'Worker with pid 97 was terminated due to signal 9',
      ].join('\n'),
    );
    expect(a.workerTimeoutSeconds).toBe(300);
    expect(a.bootTimeouts.map((l) => l.message)).toEqual(['WORKER TIMEOUT (pid:45)']);
    expect(a.workerTimeouts.map((l) => l.message)).toEqual(['WORKER TIMEOUT (pid:97)']);
    expect(a.workerKills[0]).toMatchObject({ pid: 97, afterTimeout: true });
  });

  it('gives a tail without noise', () => {
    const a = analyzeScoringLog([...BOOT, 'Loading model ...', ''].join('\n'));
    expect(meaningfulTail(a, 3).map((l) => l.message)).toEqual([
      'Booting worker with pid: 45',
      "Invoking user's init function",
      'Loading model ...',
    ]);
    expect(lastMeaningfulLine(a)?.message).toBe('Loading model ...');
  });
});
