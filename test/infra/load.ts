/** infra/ parsed once per test file, and planted snippets parsed the same way. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bicepFiles, parseBicep } from './bicep.js';
import type { ParsedFile } from './checks.js';

export const INFRA = 'infra';

function relative(file: string): string {
  return path.relative('.', file).split(path.sep).join('/');
}

export async function parseFile(file: string): Promise<ParsedFile> {
  const text = readFileSync(file, 'utf8');
  return { file: relative(file), text, tree: await parseBicep(text) };
}

/** A planted mistake, parsed like a template. */
export async function snippet(text: string, file = 'planted.bicep'): Promise<ParsedFile> {
  return { file, text, tree: await parseBicep(text) };
}

export interface Infra {
  files: ParsedFile[];
  main: ParsedFile;
  events: ParsedFile;
}

export async function loadInfra(): Promise<Infra> {
  const files = await Promise.all(bicepFiles(INFRA).map(parseFile));
  const byName = (name: string): ParsedFile => {
    const f = files.find((x) => x.file === `${INFRA}/${name}`);
    if (!f) throw new Error(`${INFRA}/${name} is missing`);
    return f;
  };
  return { files, main: byName('main.bicep'), events: byName('events.bicep') };
}
