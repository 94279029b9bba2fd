/**
 * One collection's connection to the API server: client-node API objects whose middleware gives every request its own
 * timeout (bounded by the collection's time budget) and notes the server's `Date`, plus `call()`, which retries
 * 429/5xx/resets with backoff that honours `Retry-After` and turns every failure into data.
 */
import {
  AppsV1Api,
  CoreV1Api,
  ServerConfiguration,
  createConfiguration,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import pRetry, { AbortError } from 'p-retry';
import { RequestFailure, gapText, toRequestFailure } from './errors.js';
import type { RequestTrace } from './types.js';

export interface SessionOptions {
  requestTimeoutMs: number;
  timeBudgetMs: number;
  onRequest?: (trace: RequestTrace) => void;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: RequestFailure; gap: string };

export interface CallSpec {
  /** What is asked, for gaps and traces: `events`, `deployment my-svc`, `log pod/container`. */
  label: string;
  wave: number;
  verb: 'get' | 'list';
  /** A failure is no gap (e.g. the router, which a namespace-scoped identity may not see). */
  quiet?: boolean;
  /** Page number within a paginated list, for the trace. */
  page?: number;
  /**
   * Statuses that answer "there is none", itself evidence: 404 for a ConfigMap a container waits for, 400 for the
   * log of a container that has no such instance. No gap, no value.
   */
  absentOn?: readonly number[];
}

const MAX_RETRIES = 3;
const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 3_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ApiSession {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  /** The newest `Date` header the API server sent, as RFC 3339. */
  serverDate: string | undefined;
  readonly gaps: string[] = [];
  private readonly deadline: number;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: SessionOptions,
  ) {
    this.deadline = Date.now() + options.timeBudgetMs;
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new RequestFailure('Other', 'no current cluster in the kubeconfig', '');
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [
        {
          pre: async (context: RequestContext) => {
            const remaining = Math.max(1, Math.min(options.requestTimeoutMs, this.deadline - Date.now()));
            context.setSignal(AbortSignal.timeout(remaining));
            return context;
          },
          post: async (response: ResponseContext) => {
            this.noteDate(response.headers.date);
            return response;
          },
        },
      ],
    });
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
  }

  private noteDate(header: string | undefined): void {
    if (!header) return;
    const parsed = Date.parse(header);
    if (Number.isNaN(parsed)) return;
    const iso = new Date(parsed).toISOString().replace('.000Z', 'Z');
    if (this.serverDate === undefined || iso > this.serverDate) this.serverDate = iso;
  }

  /** Runs one request with retries; never throws. A failure is recorded as a gap unless `spec.quiet`. */
  async call<T>(spec: CallSpec, run: () => Promise<T>): Promise<Outcome<T>> {
    const started = Date.now();
    let attempts = 0;
    const timeoutMs = this.options.requestTimeoutMs;
    try {
      const value = await pRetry(
        async () => {
          attempts++;
          try {
            return await run();
          } catch (error) {
            const failure = toRequestFailure(error, timeoutMs);
            if (!failure.retryable) throw new AbortError(failure);
            throw failure;
          }
        },
        {
          retries: MAX_RETRIES,
          minTimeout: MIN_BACKOFF_MS,
          maxTimeout: MAX_BACKOFF_MS,
          factor: 2,
          randomize: true,
          maxRetryTime: Math.max(0, this.deadline - Date.now()),
          onFailedAttempt: async ({ error, retryDelay, retriesLeft }) => {
            if (retriesLeft === 0 || !(error instanceof RequestFailure)) return;
            const wanted = error.retryAfterMs ?? 0;
            // The server asked for a longer pause than the backoff: wait the difference, unless that overruns the budget.
            if (wanted > retryDelay) {
              if (Date.now() + wanted > this.deadline) throw error;
              await sleep(wanted - retryDelay);
            }
          },
        },
      );
      this.trace(spec, 'ok', attempts, started);
      return { ok: true, value };
    } catch (error) {
      const failure = toRequestFailure(error, timeoutMs);
      const gap = gapText(spec.label, failure, spec.verb);
      const absent = failure.status !== undefined && (spec.absentOn ?? []).includes(failure.status);
      if (!spec.quiet && !absent) this.gaps.push(gap);
      this.trace(spec, absent ? 'absent' : gap, attempts, started);
      return { ok: false, failure, gap };
    }
  }

  /** Follows `continue` tokens until the list is complete; a failing page leaves a gap and the items so far. */
  async listAll<T>(
    spec: CallSpec,
    page: (continueToken: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>,
  ): Promise<Outcome<T[]>> {
    const items: T[] = [];
    let token: string | undefined;
    let pageNumber = 0;
    do {
      const current = token;
      pageNumber++;
      const outcome = await this.call({ ...spec, quiet: true, page: pageNumber }, () => page(current));
      if (!outcome.ok) {
        const gap = items.length > 0 ? `${outcome.gap} (partial: ${items.length} read)` : outcome.gap;
        this.gaps.push(gap);
        return { ok: false, failure: outcome.failure, gap };
      }
      items.push(...outcome.value.items);
      token = outcome.value.metadata?._continue || undefined;
    } while (token);
    return { ok: true, value: items };
  }

  private trace(spec: CallSpec, outcome: string, attempts: number, started: number): void {
    this.options.onRequest?.({
      wave: spec.wave,
      label: spec.label,
      ...(spec.page !== undefined ? { page: spec.page } : {}),
      outcome,
      attempts,
      durationMs: Date.now() - started,
    });
  }
}
