/**
 * Who gets an email: rules matched on workspace, severity and kind. All matching rules add their addresses,
 * so "the on-call list gets everything critical" and "the risk team gets risk-prod" compose. The rules are parsed
 * with the other settings (shared/config/recipients.ts).
 */
import type { RecipientRule } from '../config/recipients.js';
import type { Severity } from '../diagnosis/types.js';
import type { Notification } from '../incidents/types.js';

export { isEmailAddress, parseRecipientSetting, type RecipientRule } from '../config/recipients.js';

const RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

export function resolveRecipients(rules: RecipientRule[], n: Notification): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    if (rule.kinds && !rule.kinds.includes(n.kind)) continue;
    const applies =
      // A digest covers every workspace, so every rule that takes digests gets it.
      n.kind === 'digest'
        ? true
        : n.incidents.some((i) => {
            const wsOk =
              !rule.workspaces ||
              rule.workspaces.includes('*') ||
              rule.workspaces.includes(i.workspace ?? '');
            const sev = i.diagnosis.findings[0]?.severity ?? 'warning';
            return wsOk && RANK[sev] >= RANK[rule.minSeverity ?? 'info'];
          });
    if (applies) for (const a of rule.to) out.add(a.trim().toLowerCase());
  }
  return [...out].sort();
}
