/**
 * EMAIL_RECIPIENTS: who gets an email, as rules matched on workspace, severity and kind. Parsed here with the other
 * settings; delivery (shared/notify/recipients.ts) resolves them per notification.
 */
import type { Severity } from '../diagnosis/types.js';
import type { NotificationKind } from '../incidents/types.js';

export interface RecipientRule {
  to: string[];
  /** Workspace names; `*` or absent matches all. */
  workspaces?: string[];
  /** Lowest severity that reaches these recipients; default info (everything). */
  minSeverity?: Severity;
  /** Kinds this rule applies to; default all (alert, resolved, digest). */
  kinds?: NotificationKind[];
}

const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

export function isEmailAddress(value: string): boolean {
  return ADDRESS.test(value);
}

/**
 * Parses EMAIL_RECIPIENTS: either a comma/semicolon separated address list (everyone gets everything) or a JSON
 * array of rules. Throws a specific error naming the bad entry.
 */
export function parseRecipientSetting(value: string): RecipientRule[] {
  const text = value.trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`EMAIL_RECIPIENTS is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (!Array.isArray(parsed)) throw new Error('EMAIL_RECIPIENTS must be a JSON array of rules');
    return parsed.map((r: unknown, i) => checkRule(r, i));
  }
  const to = text
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of to)
    if (!isEmailAddress(a)) throw new Error(`EMAIL_RECIPIENTS: "${a}" is not an email address`);
  return [{ to }];
}

function checkRule(r: unknown, i: number): RecipientRule {
  const where = `EMAIL_RECIPIENTS[${i}]`;
  if (typeof r !== 'object' || r === null) throw new Error(`${where} must be an object`);
  const o = r as Record<string, unknown>;
  if (!Array.isArray(o.to) || o.to.length === 0)
    throw new Error(`${where}.to must be a non-empty array of addresses`);
  for (const a of o.to)
    if (typeof a !== 'string' || !isEmailAddress(a))
      throw new Error(`${where}.to: "${String(a)}" is not an email address`);
  if (
    o.workspaces !== undefined &&
    (!Array.isArray(o.workspaces) || o.workspaces.some((w) => typeof w !== 'string'))
  ) {
    throw new Error(`${where}.workspaces must be an array of workspace names`);
  }
  if (o.minSeverity !== undefined && !['critical', 'warning', 'info'].includes(o.minSeverity as string)) {
    throw new Error(`${where}.minSeverity must be critical, warning or info`);
  }
  if (
    o.kinds !== undefined &&
    (!Array.isArray(o.kinds) || o.kinds.some((k) => !['alert', 'resolved', 'digest'].includes(k as string)))
  ) {
    throw new Error(`${where}.kinds must be an array of alert, resolved, digest`);
  }
  return {
    to: o.to as string[],
    ...(o.workspaces ? { workspaces: o.workspaces as string[] } : {}),
    ...(o.minSeverity ? { minSeverity: o.minSeverity as Severity } : {}),
    ...(o.kinds ? { kinds: o.kinds as NotificationKind[] } : {}),
  };
}
