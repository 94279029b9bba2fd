/**
 * The monitor runtime the function handlers share: built once per worker from the app settings (validated at
 * start-up), or set by `amlmon simulate` and the tests, which wire Azurite, the scenario cluster and a clock.
 * Not a registration file: it registers no function.
 */
import type { InvocationContext } from '@azure/functions';
import type { MonitorLog, MonitorRuntime } from '../shared/monitor/types.js';
import { redact } from '../shared/text/redact.js';
import { systemClock, type Clock } from '../shared/time/clock.js';

type RuntimeFactory = () => Promise<MonitorRuntime>;

let factory: RuntimeFactory | undefined;
let current: Promise<MonitorRuntime> | undefined;
let currentClock: Clock = systemClock;

/** Uses this runtime for every following invocation (simulate, tests). */
export function setRuntime(rt: MonitorRuntime | undefined): void {
  current = rt ? Promise.resolve(rt) : undefined;
  currentClock = rt?.clock ?? systemClock;
}

/** "Now" for checking event times before the runtime is built: the set runtime's clock (simulate) or the system's. */
export function eventClockNow(): Date {
  return currentClock.now();
}

/** How to build the runtime when none was set (the Functions app: from process.env). */
export function setRuntimeFactory(f: RuntimeFactory): void {
  factory = f;
}

async function defaultFactory(): Promise<MonitorRuntime> {
  const { runtimeFromEnv } = await import('../shared/monitor/fromSettings.js');
  return runtimeFromEnv(process.env);
}

/**
 * The invocation's log, redacted: every line an Azure Functions handler writes goes through here, so a secret in an
 * event, an error message or a cluster response never reaches Application Insights.
 */
export function contextLog(context: InvocationContext): MonitorLog {
  return {
    debug: (m) => context.debug(redact(m)),
    info: (m) => context.log(redact(m)),
    warn: (m) => context.warn(redact(m)),
    error: (m) => context.error(redact(m)),
  };
}

/** The runtime, with its log going to this invocation's context. A settings error is thrown (and logged) here. */
export async function runtimeFor(context: InvocationContext): Promise<MonitorRuntime> {
  current ??= (factory ?? defaultFactory)().catch((err: unknown) => {
    current = undefined;
    throw err;
  });
  try {
    const rt = await current;
    return { ...rt, log: contextLog(context) };
  } catch (err) {
    contextLog(context).error(`amlmon is not configured: ${(err as Error).message}`);
    throw err;
  }
}
