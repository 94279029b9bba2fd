/**
 * docs/schema/ is the machine-readable half of docs/CONTRACT.md. Every JSON the CLI prints and every fixture file
 * the contract describes is validated here against those schemas, so the schemas cannot drift from the product.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildlogReport } from '../../cli/commands/buildlog.js';
import { runDiagnose } from '../../cli/commands/diagnose.js';
import { runSimulate } from '../../cli/commands/simulate.js';
import { CODE_DETAILS } from '../../shared/diagnosis/types.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const SCHEMAS = 'docs/schema';
const FIXTURES = 'test/fixtures';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
for (const file of readdirSync(SCHEMAS)) {
  ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as object);
}
const schema = (name: string): ValidateFunction => {
  const v = ajv.getSchema(`https://aml-deploy-monitor.invalid/schema/${name}.schema.json`);
  if (!v) throw new Error(`no schema ${name}`);
  return v;
};

function problems(v: ValidateFunction, value: unknown): string {
  return v(value) ? '' : ajv.errorsText(v.errors, { separator: '\n' });
}

const fixtures = readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'snapshot.yaml')));

describe('docs/schema', () => {
  it('every schema compiles (strict) and is referenced by docs/CONTRACT.md', () => {
    const contract = readFileSync('docs/CONTRACT.md', 'utf8');
    for (const file of readdirSync(SCHEMAS)) {
      expect(ajv.getSchema(`https://aml-deploy-monitor.invalid/schema/${file}`), file).toBeDefined();
      expect(contract, `docs/CONTRACT.md links ${file}`).toContain(`schema/${file}`);
    }
  });

  it('allows every code and detail the engine can produce', () => {
    const finding = schema('diagnosis');
    for (const [code, details] of Object.entries(CODE_DETAILS)) {
      for (const detail of [null, ...details]) {
        const doc = {
          service: 's',
          namespace: 'n',
          status: 'Failed',
          findings: [
            {
              code,
              detail,
              severity: 'critical',
              title: 't',
              explanation: 'e',
              evidence: [],
              remedy: [],
              docs: [],
            },
          ],
          gaps: [],
        };
        expect(problems(finding, doc), `${code}/${detail}`).toBe('');
      }
    }
  });

  it('rejects what the contract rules out: a detail of another code, an unknown status, a failure with no finding', () => {
    const v = schema('diagnosis');
    const finding = {
      code: 'OutOfMemory',
      detail: null,
      severity: 'critical',
      title: 't',
      explanation: 'e',
      evidence: [],
      remedy: [],
      docs: [],
    };
    const doc = { service: 's', namespace: 'n', status: 'Failed', findings: [finding], gaps: [] };
    expect(problems(v, doc)).toBe('');
    expect(problems(v, { ...doc, findings: [{ ...finding, detail: 'MissingSecret' }] })).not.toBe('');
    expect(problems(v, { ...doc, status: 'Broken' })).not.toBe('');
    expect(problems(v, { ...doc, findings: [] })).not.toBe('');
    expect(problems(v, { ...doc, status: 'Healthy', findings: [] })).toBe('');
    // The fields other parts of the product add are optional, and null when unknown.
    expect(
      problems(v, {
        ...doc,
        amlState: 'Failed',
        deadline: null,
        changes: [{ field: 'image', before: 'a:1', after: 'a:2' }],
        findings: [
          {
            ...finding,
            amlCode: 'OutOfMemory',
            since: '2026-12-03T08:00:00Z',
            commands: ["kubectl get pods -n 'ns'"],
          },
        ],
      }),
    ).toBe('');
  });
});

describe('CLI JSON output', () => {
  it.each(fixtures)('amlmon diagnose %s --json', async (name) => {
    const out = await runDiagnose(join(FIXTURES, name), { json: true }, false);
    expect(problems(schema('diagnosis'), JSON.parse(out))).toBe('');
  });

  it('amlmon buildlog --json, for every fixture build log', async () => {
    const logs = fixtures.filter((d) => existsSync(join(FIXTURES, d, 'build.log')));
    expect(logs.length).toBeGreaterThan(10);
    for (const name of logs) {
      const report = JSON.parse(
        JSON.stringify(await buildlogReport(join(FIXTURES, name, 'build.log'))),
      ) as unknown;
      expect(problems(schema('buildlog-output'), report), name).toBe('');
    }
  });

  it('amlmon simulate examples/demo --json', async () => {
    const out = await runSimulate('examples/demo', { json: true });
    const doc = JSON.parse(out) as { deliveries: unknown[] };
    expect(doc.deliveries.length).toBeGreaterThan(0);
    expect(problems(schema('simulate-output'), doc)).toBe('');
  });
});

describe('files the contract describes', () => {
  it("every fixture's meta.json", () => {
    const metas = fixtures.filter((d) => existsSync(join(FIXTURES, d, 'meta.json')));
    expect(metas.length).toBeGreaterThan(100);
    for (const name of metas) {
      const meta = JSON.parse(readFileSync(join(FIXTURES, name, 'meta.json'), 'utf8')) as unknown;
      expect(problems(schema('bundle-meta'), meta), name).toBe('');
    }
  });

  it("every fixture's blobs.json, when there is one", () => {
    for (const name of fixtures.filter((d) => existsSync(join(FIXTURES, d, 'blobs.json')))) {
      const blobs = JSON.parse(readFileSync(join(FIXTURES, name, 'blobs.json'), 'utf8')) as unknown;
      expect(problems(schema('blobs'), blobs), name).toBe('');
    }
  });

  it('every scenario.json under examples/', () => {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name === 'scenario.json') found.push(join(dir, e.name));
      }
    };
    walk('examples');
    expect(found.length).toBeGreaterThan(0);
    for (const file of found) {
      expect(problems(schema('scenario'), JSON.parse(readFileSync(file, 'utf8'))), file).toBe('');
    }
  });
});
