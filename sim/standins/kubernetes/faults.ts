/**
 * Fault injection and request accounting for the scenario cluster, so tests and benchmarks can make one path misbehave
 * (a status code, `Retry-After`, latency, a connection reset, a request that never answers) and count what was asked.
 */

export interface FaultRule {
  /** An exact path (`/api/v1/namespaces/ns/events`), or a pattern tested against path plus query string. */
  path: string | RegExp;
  /** Answer with this HTTP status and a Kubernetes `Status` body instead of the real response. */
  status?: number;
  /** Add `Retry-After: <seconds>` to the faulty answer. */
  retryAfterSeconds?: number;
  /** Wait this long before answering (a real answer, or the faulty one). */
  latencyMs?: number;
  /** Drop the TCP connection (RST) instead of answering. */
  reset?: boolean;
  /** Never answer; the connection stays open until the client gives up or the server closes. */
  hang?: boolean;
  /** Apply to the first N matching requests only; afterwards the path behaves normally. Default: every request. */
  times?: number;
}

export type RequestOutcome = number | 'reset' | 'hang';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string without `?`, e.g. `labelSelector=app%3Dx&limit=500`. */
  query: string;
  outcome: RequestOutcome;
  /** Milliseconds since the server started, when the request arrived. */
  at: number;
}

/** Every request the server received, for budget assertions (`requests.count(/\/log$/)`). */
export class RequestLog {
  readonly entries: RecordedRequest[] = [];

  get total(): number {
    return this.entries.length;
  }

  /** Requests whose path equals `path` (string) or whose path+query matches it (RegExp); all without an argument. */
  count(path?: string | RegExp): number {
    return this.matching(path).length;
  }

  matching(path?: string | RegExp): RecordedRequest[] {
    if (path === undefined) return [...this.entries];
    return this.entries.filter((e) =>
      typeof path === 'string' ? e.path === path : path.test(e.query ? `${e.path}?${e.query}` : e.path),
    );
  }

  reset(): void {
    this.entries.length = 0;
  }
}

interface ActiveRule {
  rule: FaultRule;
  used: number;
}

export class FaultTable {
  private rules: ActiveRule[] = [];

  set(rules: readonly FaultRule[]): void {
    this.rules = rules.map((rule) => ({ rule, used: 0 }));
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule, used: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that applies to this request, counting its use; `undefined` when the path behaves normally. */
  take(path: string, query: string): FaultRule | undefined {
    const full = query ? `${path}?${query}` : path;
    for (const active of this.rules) {
      const { rule } = active;
      const matches = typeof rule.path === 'string' ? rule.path === path : rule.path.test(full);
      if (!matches) continue;
      if (rule.times !== undefined && active.used >= rule.times) continue;
      active.used++;
      return rule;
    }
    return undefined;
  }
}
