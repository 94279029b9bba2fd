/**
 * A DigestSource over the monitor's state tables (MonitorState). The incident and deployment tables hold one row
 * per fingerprint / deployment and store values as JSON, so rows are listed and filtered here, not in a query.
 * The last sweep comes from the monitor's sweep records when the state has them (or from a provider the caller
 * passes); without either, open ClusterUnreachable incidents are the best signal.
 */
import { lastSweepFromState, type MonitorState } from '../state/store.js';
import type { DigestSource, SweepInfo } from './source.js';

export interface StateSourceOptions {
  /** When the last sweep finished and which clusters answered; absent → "no sweep recorded" (stale). */
  lastSweep?: () => Promise<SweepInfo>;
  /** Configured cluster names, reported unreachable-or-unknown when no sweep info exists. */
  clusters?: string[];
}

export function digestSourceFromState(state: MonitorState, opts: StateSourceOptions = {}): DigestSource {
  return {
    async listDeployments(sinceIso: string) {
      const since = Date.parse(sinceIso);
      return (await state.deployments.list())
        .map((r) => r.value)
        .filter((d) =>
          [d.startedAt, d.firstSeen, d.lastProgress].some((t) => t !== undefined && Date.parse(t) >= since),
        );
    },
    async listIncidents(sinceIso: string) {
      const since = Date.parse(sinceIso);
      return (await state.incidents.list())
        .map((r) => r.value)
        .filter(
          (i) =>
            i.resolvedAt === undefined ||
            Date.parse(i.openedAt) >= since ||
            Date.parse(i.resolvedAt) >= since,
        );
    },
    async lastSweep() {
      if (opts.lastSweep) return opts.lastSweep();
      if (state.sweeps) return lastSweepFromState(state, opts.clusters ?? [])();
      // Without sweep records, an open ClusterUnreachable incident is the best signal of an unreachable cluster.
      const unreachable = new Set(
        (await state.incidents.list())
          .map((r) => r.value)
          .filter((i) => i.code === 'ClusterUnreachable' && i.resolvedAt === undefined)
          .map((i) => i.cluster),
      );
      return {
        clustersReachable: (opts.clusters ?? []).filter((c) => !unreachable.has(c)),
        clustersUnreachable: [...unreachable],
      };
    },
  };
}
