/** Validators shared by the report tests: the Adaptive Card subset schema and the webhook schema, with ajv. */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TeamsMessage } from '../../shared/report/cardTypes.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function load(path: URL): object {
  return JSON.parse(readFileSync(path, 'utf8')) as object;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);

export const validateCard: ValidateFunction = ajv.compile(
  load(new URL('./adaptive-card-1.5.subset.schema.json', import.meta.url)),
);
// The webhook schema refers to the diagnosis schema for each incident's diagnosis.
ajv.addSchema(load(new URL('../../docs/schema/diagnosis.schema.json', import.meta.url)));
export const validateWebhook: ValidateFunction = ajv.compile(
  load(new URL('../../docs/schema/webhook.schema.json', import.meta.url)),
);

export function errorsOf(v: ValidateFunction): string {
  return ajv.errorsText(v.errors, { separator: '\n' });
}

/** What JSON Schema cannot say: every Table row has as many cells as the table has columns. */
export function tableShapeProblems(message: TeamsMessage): string[] {
  const problems: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const n = node as { type?: string; columns?: unknown[]; rows?: { cells: unknown[] }[] };
    if (n.type === 'Table' && n.columns && n.rows) {
      n.rows.forEach((r, i) => {
        if (r.cells.length !== n.columns?.length)
          problems.push(`row ${i}: ${r.cells.length} cells, ${n.columns?.length} columns`);
      });
    }
    Object.values(node).forEach(visit);
  };
  visit(message);
  return problems;
}
