/** Timer trigger: the sweep over every configured cluster (default every 2 minutes, setting SWEEP_SCHEDULE). */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { triggerSettings } from '../shared/config/settings.js';
import { runSweep, type SweepSummary } from '../shared/monitor/sweep.js';
import { contextLog, runtimeFor } from './runtime.js';

export async function sweep(timer: Timer, context: InvocationContext): Promise<SweepSummary> {
  if (timer.isPastDue)
    contextLog(context).warn('sweep: this run is late (the previous one overran or the app was idle)');
  const rt = await runtimeFor(context);
  const summary = await runSweep(rt);
  contextLog(context).info(
    `sweep: ${summary.clusters}/${rt.clusters.length} clusters, ${summary.deployments} deployments, ` +
      `${summary.diagnosed} diagnosed, ${summary.notifications.length} notifications, ${summary.errors.length} errors`,
  );
  return summary;
}

app.timer('sweep', {
  schedule: triggerSettings(process.env).sweepSchedule,
  runOnStartup: false,
  useMonitor: true,
  handler: sweep,
});
