/**
 * Evidence text as an on-call engineer reads and copies it: kubelet pod references without the `_namespace(uid)`
 * suffix, in every fixture's diagnosis.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { evidence } from '../../shared/diagnosis/context.js';
import { clip } from '../../shared/text/redact.js';
import { loadBundle } from '../../shared/diagnosis/bundle.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixtureDirs = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'expected.json')))
  .map((d) => d.name)
  .sort();
const POD_UID_SUFFIX = /_[a-z0-9-]+\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/;

describe('kubelet pod references in evidence', () => {
  test('the namespace and UID suffix is dropped, the pod name kept', () => {
    const e = evidence(
      'pod/x/status',
      'back-off 5m0s restarting failed container=bert-svc pod=bert-svc-4fphj8hhhn-5s87v_azureml-contoso-ml(5a202b4b-b619-4dfe-a856-bd0b3b628dd9)',
    );
    expect(e.text).toBe('back-off 5m0s restarting failed container=bert-svc pod=bert-svc-4fphj8hhhn-5s87v');
  });

  test('an underscore name without a UID is left alone', () => {
    expect(evidence('s', 'model_dir/bert_base(1).bin').text).toBe('model_dir/bert_base(1).bin');
  });

  test.each(fixtureDirs)('%s', async (name) => {
    const { service } = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as {
      service: string;
    };
    const diagnoses = diagnoseSnapshot(await loadBundle(join(FIXTURES, name)), { service });
    expect(JSON.stringify(diagnoses)).not.toMatch(POD_UID_SUFFIX);
  });
});

describe('cut text ends on a separator, never inside a value', () => {
  test('a version list keeps whole versions', () => {
    const versions =
      '1.11.0, 1.12.0, 1.12.1, 1.13.0, 1.13.1, 2.0.0, 2.0.1, 2.1.0, 2.1.1, 2.1.2, 2.2.0, 2.2.1';
    const cut = clip(versions, 80);
    expect(cut.length).toBeLessThanOrEqual(80);
    expect(cut).toBe('1.11.0, 1.12.0, 1.12.1, 1.13.0, 1.13.1, 2.0.0, 2.0.1, 2.1.0, 2.1.1, 2.1.2, …');
  });

  test('a storage account name is shown whole or not at all', () => {
    const line =
      "Image build failed; the log is in the workspace blob store 'contosoml1a2b3c4d' under azureml/ImageLogs";
    const cut = clip(line, 70);
    expect(cut.length).toBeLessThanOrEqual(70);
    expect(cut).toBe('Image build failed; the log is in the workspace blob store …');
  });

  test('one token longer than the room is still cut to fit', () => {
    expect(clip('x'.repeat(50), 20)).toBe(`${'x'.repeat(19)}…`);
  });

  test.each(fixtureDirs)('%s: no text ends in a cut word', async (name) => {
    const { service } = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as {
      service: string;
    };
    for (const d of diagnoseSnapshot(await loadBundle(join(FIXTURES, name)), { service }))
      for (const f of d.findings)
        for (const t of [f.title, f.explanation, ...f.remedy]) expect(t).not.toMatch(/[\w.]…/);
  });
});

describe('a head … tail window of a long event keeps whole words', () => {
  test('ModelMountFailure flexvolume event', async () => {
    const name = 'ModelMountFailure.VolumeDriverError.v1-flexvolume-fuse-allow-other';
    const raw = readFileSync(join(FIXTURES, name, 'snapshot.yaml'), 'utf8');
    const { service } = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as {
      service: string;
    };
    const [d] = diagnoseSnapshot(await loadBundle(join(FIXTURES, name)), { service });
    const windowed = d!.findings.flatMap((f) => f.evidence).filter((e) => e.text.includes(' … '));
    expect(windowed.length).toBeGreaterThan(0);
    const whole = (w: string) =>
      new RegExp(`(?:^|\\s)${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\s|$)`).test(raw);
    for (const e of windowed) {
      const [head, tail] = e.text.split(' … ');
      expect(whole(head!.split(' ').at(-1)!), `"${head!.slice(-30)}" ends on a whole word`).toBe(true);
      expect(whole(tail!.split(' ')[0]!), `"${tail!.slice(0, 30)}" starts on a whole word`).toBe(true);
    }
  });
});
