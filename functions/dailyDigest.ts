/**
 * Timer trigger: the daily digest. Schedule from DIGEST_SCHEDULE (NCRONTAB, default 08:00 every day; Azure
 * evaluates it in UTC, or in WEBSITE_TIME_ZONE where the plan supports it). DIGEST_TIME_ZONE (else REPORT_TIME_ZONE) sets
 * the day boundaries and the times shown. The digest goes through the outbox like any alert, so throttling and retries
 * are the deliver function's.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { digestSourceFromState } from '../shared/digest/stateSource.js';
import { runDigest, type DigestRunResult } from '../shared/digest/run.js';
import { triggerSettings } from '../shared/config/settings.js';
import { runtimeFor } from './runtime.js';

export async function dailyDigest(timer: Timer, context: InvocationContext): Promise<DigestRunResult> {
  const rt = await runtimeFor(context);
  if (timer.isPastDue) rt.log.warn('dailyDigest: running late (the timer was past due)');
  // DIGEST_TIME_ZONE, else REPORT_TIME_ZONE, else UTC (shared/config/settings.ts).
  const digest = rt.options.digest ?? { timeZone: 'UTC', sendWhenQuiet: true };
  const result = await runDigest({
    source: digestSourceFromState(rt.state, { clusters: rt.clusters.map((c) => c.name) }),
    now: rt.clock.now(),
    timeZone: digest.timeZone,
    sendWhenQuiet: digest.sendWhenQuiet,
    channels: [...rt.senders.keys()],
    deliver: (channel, notification) => rt.outbox.enqueue({ v: 1, channel, notification }),
  });
  const d = result.digest;
  rt.log.info(
    result.skipped
      ? `dailyDigest: not sent (${result.skipped})`
      : `dailyDigest: ${result.notification?.id} queued for ${result.deliveredTo.join(', ')}: ` +
          `${d.overall.incidentsOpened} incidents opened, ${d.overall.deployments.attempted} deployments${d.monitor.stale ? ', monitor STALE' : ''}`,
  );
  return result;
}

app.timer('dailyDigest', {
  schedule: triggerSettings(process.env).digestSchedule,
  handler: async (timer: Timer, context: InvocationContext): Promise<void> => {
    await dailyDigest(timer, context);
  },
});
