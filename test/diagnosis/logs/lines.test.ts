import { describe, expect, it } from 'vitest';
import {
  isBenignNoise,
  isMeaningful,
  lineTime,
  parseLog,
  parseLogLine,
  parseLogTime,
} from '../../../shared/diagnosis/logs/lines.js';

describe('parseLogLine', () => {
  it.each([
    [
      "2023-03-10 09:12:08,530 E [107] azmlinfsrv - User's init function failed",
      {
        format: 'azmlinfsrv',
        level: 'ERROR',
        pid: 107,
        logger: 'azmlinfsrv',
        message: "User's init function failed",
      },
    ],
    [
      "2023-03-10 09:12:08,022 I [107] azmlinfsrv.user_script - Invoking user's init function",
      {
        format: 'azmlinfsrv',
        level: 'INFO',
        logger: 'azmlinfsrv.user_script',
        message: "Invoking user's init function",
      },
    ],
    [
      '2020-11-19 23:58:11,811 | root | ERROR | Encountered Exception Traceback (most recent call last):',
      {
        format: 'azureml-server',
        level: 'ERROR',
        logger: 'root',
        message: 'Encountered Exception Traceback (most recent call last):',
      },
    ],
    [
      '[2021-03-05 10:12:00 +0000] [13] [CRITICAL] WORKER TIMEOUT (pid:45)',
      { format: 'gunicorn', level: 'CRITICAL', pid: 13, message: 'WORKER TIMEOUT (pid:45)' },
    ],
    [
      '2020-11-19T23:58:11,811467402+00:00 - gunicorn/finish 3 0',
      { format: 'runit', message: 'gunicorn/finish 3 0' },
    ],
    [
      '2023-05-09T08:01:02,123456789+00:00 | gunicorn/run | AzureML image information: openmpi4.1.0-ubuntu20.04',
      {
        format: 'runit',
        logger: 'gunicorn/run',
        message: 'AzureML image information: openmpi4.1.0-ubuntu20.04',
      },
    ],
    [
      "ModuleNotFoundError: No module named 'sklearn'",
      { format: 'plain', message: "ModuleNotFoundError: No module named 'sklearn'" },
    ],
  ])('%s', (raw, want) => {
    expect(parseLogLine(raw, 0)).toMatchObject(want);
  });

  it('reads timestamps as UTC, with the precision the writer used', () => {
    expect(lineTime(parseLogLine('2023-03-10 09:12:08,530 I [1] x - y', 0))?.toISOString()).toBe(
      '2023-03-10T09:12:08.530Z',
    );
    expect(lineTime(parseLogLine('2020-11-19T23:58:11,811467402+00:00 - nginx/run ', 0))?.toISOString()).toBe(
      '2020-11-19T23:58:11.811Z',
    );
    expect(parseLogTime('2021-03-05 10:12:00 +0100')?.toISOString()).toBe('2021-03-05T09:12:00.000Z');
    expect(lineTime(parseLogLine('2024-05-14T10:12:41.532Z WARN request rejected', 0))?.toISOString()).toBe(
      '2024-05-14T10:12:41.532Z',
    );
    expect(parseLogTime('yesterday')).toBeUndefined();
  });

  it('strips ANSI colour codes and CR line ends', () => {
    const line = parseLogLine('\u001b[91mERROR: boom\u001b[0m\r', 3);
    expect(line.raw).toBe('ERROR: boom');
    expect(line.index).toBe(3);
  });
});

describe('noise', () => {
  const log = parseLog(
    [
      'EdgeHubConnectionString and IOTEDGE_IOTHUBHOSTNAME are not set. Exiting...',
      '2020-09-01T13:06:56,996583013+00:00 - iot-server/finish 1 0',
      '2020-09-01T13:06:57,004199091+00:00 - Exit code 1 is normal. Not restarting iot-server.',
      'SPARK_HOME not set. Skipping PySpark Initialization.',
      '2022-01-01 10:00:00,000 | root | INFO | AML_FLASK_ONE_COMPATIBILITY is set, but patching is not necessary.',
      '2020-09-01T13:06:56,713681736+00:00 - gunicorn/run ',
      '2020-11-19T23:58:11,811467402+00:00 - gunicorn/finish 3 0',
      'Booting worker with pid: 45',
      '',
    ].join('\n'),
  );

  it('recognises the five benign lines every healthy scoring container prints', () => {
    expect(log.slice(0, 5).every(isBenignNoise)).toBe(true);
    expect(log.slice(5).some(isBenignNoise)).toBe(false);
  });

  it('keeps a non-zero service exit but drops runit bookkeeping and blanks', () => {
    expect(log.filter(isMeaningful).map((l) => l.message)).toEqual([
      'gunicorn/finish 3 0',
      'Booting worker with pid: 45',
    ]);
  });

  it('does not produce an empty last line for a trailing newline', () => {
    expect(parseLog('a\nb\n')).toHaveLength(2);
  });
});
