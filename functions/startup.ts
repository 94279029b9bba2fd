/**
 * Start-up check: when the worker starts, validate every app setting and log each problem on its own line (and a
 * secret-free summary when all is well), so a misconfigured app says so before the first trigger fires. Invocations
 * still fail with the same SettingsError until the settings are fixed (see runtime.ts).
 */
import { app } from '@azure/functions';
import { describeSettings, parseSettings, SettingsError, type Env } from '../shared/config/settings.js';

export function checkSettingsAtStartup(
  env: Env,
  log: { info(line: string): void; error(line: string): void },
): boolean {
  try {
    for (const line of describeSettings(parseSettings(env))) log.info(`amlmon: ${line}`);
    return true;
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    for (const problem of err.problems) log.error(`amlmon: invalid app setting: ${problem}`);
    return false;
  }
}

app.hook.appStart(() => {
  checkSettingsAtStartup(process.env, { info: (l) => console.info(l), error: (l) => console.error(l) });
});
