/**
 * Reading settings by name, collecting every problem instead of stopping at the first, so a misconfigured app says
 * everything that is wrong at once. Only names listed in ./names.ts can be read (the type says so).
 */
import { parseDuration } from './duration.js';
import { DEFAULTS, type SettingName } from './names.js';

export type Env = Record<string, string | undefined>;

type DefaultedName = keyof typeof DEFAULTS;

export class SettingsReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value; absent or blank is undefined. */
  get(name: SettingName): string | undefined {
    return this.named(name);
  }

  /** A setting whose name another setting chose (`CLUSTERS` entries `kubeconfig:<SETTING>`). */
  named(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  text(name: DefaultedName): string {
    return this.get(name) ?? DEFAULTS[name];
  }

  duration(name: DefaultedName): number {
    const text = this.text(name);
    const ms = parseDuration(text);
    if (ms !== undefined) return ms;
    this.problem(`${name} "${text}" is not a duration (e.g. 90s, 10m, 4h)`);
    return parseDuration(DEFAULTS[name]) ?? 0;
  }

  count(name: DefaultedName, min: number): number {
    const text = this.text(name);
    const n = Number(text);
    if (Number.isInteger(n) && n >= min) return n;
    this.problem(`${name} "${text}" is not a whole number >= ${min}`);
    return Number(DEFAULTS[name]);
  }

  /** `true`/`false` (any case); anything else is a problem. */
  flag(name: DefaultedName): boolean {
    const text = this.text(name).toLowerCase();
    if (text === 'true' || text === 'false') return text === 'true';
    this.problem(`${name} "${this.text(name)}" is neither true nor false`);
    return DEFAULTS[name] === 'true';
  }

  /** An IANA time zone (e.g. Europe/Berlin), checked against the runtime's zone database. */
  timeZone(name: SettingName): string | undefined {
    const zone = this.get(name);
    if (zone === undefined) return undefined;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return zone;
    } catch {
      this.problem(`${name} "${zone}" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)`);
      return undefined;
    }
  }
}

export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A URL fit for a log line: origin and path only (webhook URLs carry their secret in the query). */
export function safeUrl(v: string): string {
  try {
    const u = new URL(v);
    return `${u.origin}${u.pathname.length > 24 ? `${u.pathname.slice(0, 24)}…` : u.pathname}`;
  } catch {
    return '(unparseable)';
  }
}
