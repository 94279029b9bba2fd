/**
 * The time-zone rule of shared/config/settings.ts, end to end: a digest is computed in DIGEST_TIME_ZONE (else
 * REPORT_TIME_ZONE) and shows its times in that same zone, whatever zone the channel renders alerts in.
 */
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../shared/config/settings.js';
import { computeDigest } from '../../shared/digest/compute.js';
import { buildDigestView } from '../../shared/report/digest/view.js';
import { baseContext, sampleDeployments, sampleIncidents } from '../../sim/samples.js';

const env = {
  TEAMS_WEBHOOK_URL: 'https://t.example/hook',
  REPORT_TIME_ZONE: 'Europe/Berlin',
  DIGEST_TIME_ZONE: 'America/New_York',
};

describe('digest time zone', () => {
  it('days and times in DIGEST_TIME_ZONE even when alerts use REPORT_TIME_ZONE', () => {
    const s = readSettings(env, { storage: false, clusters: false, channel: true });
    const report = s.channels[0]!.report;
    expect(report.timeZone).toBe('Europe/Berlin');
    const digest = computeDigest({
      now: '2026-11-26T09:30:00Z',
      timeZone: s.digest.timeZone,
      deployments: sampleDeployments,
      incidents: sampleIncidents,
      lastSweep: { at: '2026-11-26T09:28:00Z', clustersReachable: ['aks'], clustersUnreachable: [] },
    });
    const view = buildDigestView(digest, { ...baseContext, ...report });
    // 09:28 UTC is 04:28 in New York (10:28 in Berlin).
    expect(view.alive).toContain('04:28');
    expect(view.alive).not.toContain('10:28');
  });
});
