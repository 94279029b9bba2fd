/**
 * Per-channel send limiter (sliding windows). When a send would exceed a window, it is not made: the sender
 * answers retryable with the time until a slot frees, and the outbox keeps the message until then.
 * In-memory per process: with several Function instances each enforces the limits on its own share (see
 * docs/delivery.md for the settings that keep the sum under the service's quota).
 */

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export type Acquire = { ok: true } | { ok: false; retryAfterMs: number; window: RateWindow };

export class SlidingWindowLimiter {
  private readonly sent: number[] = [];

  constructor(private readonly windows: RateWindow[]) {
    for (const w of windows) {
      if (!(w.limit > 0) || !(w.windowMs > 0)) throw new Error(`invalid rate window ${JSON.stringify(w)}`);
    }
  }

  /** Takes a slot at `nowMs` if every window has one. */
  tryAcquire(nowMs: number): Acquire {
    const longest = Math.max(0, ...this.windows.map((w) => w.windowMs));
    while (this.sent.length > 0 && (this.sent[0] as number) <= nowMs - longest) this.sent.shift();
    for (const w of this.windows) {
      const inWindow = this.sent.filter((t) => t > nowMs - w.windowMs);
      if (inWindow.length >= w.limit) {
        // The slot frees when the oldest send inside the window leaves it.
        const oldest = inWindow[inWindow.length - w.limit] as number;
        return { ok: false, retryAfterMs: Math.max(1, oldest + w.windowMs - nowMs), window: w };
      }
    }
    this.sent.push(nowMs);
    return { ok: true };
  }

  /** Gives back the last slot (the request was never made, e.g. no recipients). */
  release(): void {
    this.sent.pop();
  }
}

/** ACS Email default quota for a custom domain: 30 per minute, 100 per hour. */
export const ACS_DEFAULT_LIMITS: RateWindow[] = [
  { limit: 30, windowMs: 60_000 },
  { limit: 100, windowMs: 3_600_000 },
];

/** Teams: the documented connector limits (4 per second, 60 per 30 s, 100 per hour); Workflows throttles similarly. */
export const TEAMS_DEFAULT_LIMITS: RateWindow[] = [
  { limit: 4, windowMs: 1_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 100, windowMs: 3_600_000 },
];

export function describeWindow(w: RateWindow): string {
  if (w.windowMs === 60_000) return `${w.limit}/min`;
  if (w.windowMs === 3_600_000) return `${w.limit}/h`;
  return `${w.limit} per ${w.windowMs / 1000} s`;
}
