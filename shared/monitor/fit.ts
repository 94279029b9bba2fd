/**
 * Storage queue messages hold at most 64 KiB, and the Functions host expects them base64-encoded (4/3 larger). A
 * notification that would not fit is shrunk: later findings and long evidence lines are cut first; the archived
 * evidence bundle still has everything.
 */
import type { Diagnosis } from '../diagnosis/types.js';
import type { IncidentRecord } from '../incidents/types.js';
import type { OutboxMessage } from './types.js';

/** 64 KiB queue limit, base64 overhead, and some room for the envelope. */
export const MAX_MESSAGE_JSON_BYTES = 46_000;

function size(m: unknown): number {
  return Buffer.byteLength(JSON.stringify(m), 'utf8');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [truncated]` : text;
}

function shrinkDiagnosis(d: Diagnosis, level: number): Diagnosis {
  const findings = level >= 2 ? d.findings.slice(0, 1) : d.findings;
  const textMax = level >= 3 ? 200 : 1000;
  return {
    ...d,
    gaps: level >= 2 ? d.gaps.slice(0, 3) : d.gaps,
    findings: findings.map((f) => ({
      ...f,
      explanation: cut(f.explanation, level >= 3 ? 500 : 2000),
      evidence: f.evidence.slice(0, level >= 3 ? 2 : 5).map((e) => ({ ...e, text: cut(e.text, textMax) })),
    })),
  };
}

export function fitMessage(message: OutboxMessage, max: number = MAX_MESSAGE_JSON_BYTES): OutboxMessage {
  if (size(message) <= max) return message;
  for (let level = 1; level <= 3; level += 1) {
    const incidents: IncidentRecord[] = message.notification.incidents.map((i) => ({
      ...i,
      diagnosis: shrinkDiagnosis(i.diagnosis, level),
    }));
    const smaller: OutboxMessage = { ...message, notification: { ...message.notification, incidents } };
    if (size(smaller) <= max) return smaller;
  }
  throw new Error(`notification ${message.notification.id} does not fit in a queue message even when shrunk`);
}

export function encodeQueueMessage(message: unknown): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
}

/** Decodes what the host would hand the function: base64 → text → JSON when it parses. */
export function decodeQueueMessage(text: string): unknown {
  const raw = /^[A-Za-z0-9+/=\s]+$/.test(text) ? Buffer.from(text, 'base64').toString('utf8') : text;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
