/**
 * Kubernetes label and field selectors, parsed and matched the way the API server does for the subset the monitor
 * and kubectl use. A selector the server would reject yields a `SelectorError` (answered with 400 BadRequest).
 */

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

type LabelRequirement =
  { key: string; op: 'exists' | 'notExists' } | { key: string; op: 'in' | 'notIn'; values: string[] };

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside `( … )`, as `key in (a,b),other=x` needs. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const SET_PATTERN = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQUALITY_PATTERN = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/;

/** A label value: empty, or up to 63 alphanumerics with `-_.` inside (the API server refuses anything else). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function checkValues(text: string, values: string[]): string[] {
  for (const v of values) {
    if (!LABEL_VALUE.test(v))
      throw new SelectorError(`invalid label value ${JSON.stringify(v)} in ${JSON.stringify(text)}`);
  }
  return values;
}

function parseLabelRequirement(text: string): LabelRequirement {
  const set = SET_PATTERN.exec(text);
  if (set) {
    const values = (set[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    return { key: set[1] ?? '', op: set[2] === 'in' ? 'in' : 'notIn', values: checkValues(text, values) };
  }
  const equality = EQUALITY_PATTERN.exec(text);
  if (equality) {
    const key = equality[1] ?? '';
    const value = equality[3] ?? '';
    return { key, op: equality[2] === '!=' ? 'notIn' : 'in', values: checkValues(text, [value]) };
  }
  if (text.startsWith('!') && /^![\w./-]+$/.test(text)) return { key: text.slice(1), op: 'notExists' };
  if (/^[\w./-]+$/.test(text)) return { key: text, op: 'exists' };
  throw new SelectorError(`unable to parse requirement: ${JSON.stringify(text)}`);
}

export function parseLabelSelector(selector: string | null): LabelMatcher {
  if (!selector) return () => true;
  const requirements = splitTopLevel(selector).map(parseLabelRequirement);
  return (labels) =>
    requirements.every((r) => {
      const value = labels?.[r.key];
      switch (r.op) {
        case 'exists':
          return value !== undefined;
        case 'notExists':
          return value === undefined;
        case 'in':
          return value !== undefined && r.values.includes(value);
        case 'notIn':
          return value === undefined || !r.values.includes(value);
      }
    });
}

export type FieldMatcher = (object: unknown) => boolean;

/** Reads a dotted path (`involvedObject.name`) from a JSON object; absent fields read as "". */
export function readField(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'string' ? current : JSON.stringify(current);
}

/**
 * Fields each resource lets clients select on (the API server rejects others with "field label not supported").
 * `metadata.name` and `metadata.namespace` are accepted everywhere.
 */
const SELECTABLE_FIELDS: Record<string, readonly string[]> = {
  pods: ['status.phase', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'status.podIP'],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  'events.k8s.io/events': [
    'regarding.kind',
    'regarding.namespace',
    'regarding.name',
    'regarding.uid',
    'regarding.apiVersion',
    'regarding.resourceVersion',
    'regarding.fieldPath',
    'reason',
    'reportingController',
    'type',
  ],
  nodes: ['spec.unschedulable'],
  replicasets: ['status.replicas'],
  persistentvolumeclaims: [],
  persistentvolumes: [],
  configmaps: [],
  deployments: [],
  resourcequotas: [],
  namespaces: ['status.phase'],
};

/** How the API server exposes a field for selection when it differs from the object's JSON (`source` is a struct). */
function selectableValue(object: unknown, field: string): string {
  if (field === 'source') return readField(object, 'source.component');
  return readField(object, field);
}

export function parseFieldSelector(selector: string | null, resourceKey: string): FieldMatcher {
  if (!selector) return () => true;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(SELECTABLE_FIELDS[resourceKey] ?? [])]);
  const requirements = splitTopLevel(selector).map((text) => {
    const m = EQUALITY_PATTERN.exec(text);
    if (!m) throw new SelectorError(`invalid field selector: ${JSON.stringify(text)}`);
    const field = m[1] ?? '';
    if (!allowed.has(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, negate: m[2] === '!=', value: m[3] ?? '' };
  });
  return (object) => requirements.every((r) => (selectableValue(object, r.field) === r.value) !== r.negate);
}
