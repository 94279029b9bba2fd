/**
 * Bicep read without a Bicep compiler (none installs offline): tree-sitter-bicep's grammar through web-tree-sitter,
 * and small queries over the syntax tree that the infra checks share.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

export type { Node, Tree };

let parser: Promise<Parser> | undefined;

/** The parser, loaded once from the wasm grammar tree-sitter-bicep ships (one load even when asked concurrently). */
export function bicepParser(): Promise<Parser> {
  parser ??= loadParser();
  return parser;
}

async function loadParser(): Promise<Parser> {
  await Parser.init();
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('tree-sitter-bicep/package.json'));
  const language = await Language.load(readFileSync(path.join(dir, 'tree-sitter-bicep.wasm')));
  const p = new Parser();
  p.setLanguage(language);
  return p;
}

export async function parseBicep(text: string): Promise<Tree> {
  const tree = (await bicepParser()).parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

export interface SyntaxProblem {
  line: number;
  column: number;
  kind: 'ERROR' | 'MISSING';
  text: string;
}

/** Every ERROR node (text the grammar could not place) and MISSING node (a token it had to invent). */
export function syntaxProblems(tree: Tree): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const visit = (n: Node): void => {
    if (n.isError || n.isMissing) {
      out.push({
        line: n.startPosition.row + 1,
        column: n.startPosition.column + 1,
        kind: n.isMissing ? 'MISSING' : 'ERROR',
        text: n.isMissing ? n.type : n.text.slice(0, 60),
      });
      if (n.isMissing) return;
    }
    for (const c of n.children) visit(c);
  };
  visit(tree.rootNode);
  return out;
}

/** Every `.bicep` file under a directory, as repository-relative paths, sorted. */
export function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => path.join(dir, f))
    .sort();
}

export function descendants(node: Node, type: string): Node[] {
  return node.descendantsOfType(type);
}

/** The value of a string literal without interpolation, or undefined. */
export function literal(node: Node | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  if (node.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
  return node.namedChildren
    .filter((c) => c.type === 'string_content' || c.type === 'escape_sequence')
    .map((c) => (c.type === 'escape_sequence' ? c.text.slice(1) : c.text))
    .join('');
}

/** The key of an object property: an identifier or a plain string. */
export function propertyKey(prop: Node): string | undefined {
  const key = prop.namedChildren[0];
  if (!key) return undefined;
  if (key.type === 'identifier') return key.text;
  return literal(key);
}

/** The value node of an object property (the last named child after the key). */
export function propertyValue(prop: Node): Node | undefined {
  const named = prop.namedChildren;
  return named.length > 1 ? named[named.length - 1] : undefined;
}

/** The direct properties of an object node. */
export function properties(obj: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const p of obj.namedChildren) {
    if (p.type !== 'object_property') continue;
    const k = propertyKey(p);
    const v = propertyValue(p);
    if (k !== undefined && v) out.set(k, v);
  }
  return out;
}

/** A property reached through nested objects (`a.b.c`), or undefined. */
export function propertyPath(obj: Node | undefined, ...keys: string[]): Node | undefined {
  let cur = obj;
  for (const k of keys) {
    if (!cur || cur.type !== 'object') return undefined;
    cur = properties(cur).get(k);
  }
  return cur;
}

export interface Declaration {
  /** parameter_declaration, variable_declaration, resource_declaration, module_declaration, output_declaration. */
  kind: string;
  name: string;
  node: Node;
  /** Decorator call names with their argument nodes, e.g. `minLength` → [number]. */
  decorators: Map<string, Node[]>;
}

const DECLARATIONS = [
  'parameter_declaration',
  'variable_declaration',
  'resource_declaration',
  'module_declaration',
  'output_declaration',
  'type_declaration',
  'user_defined_function',
];

/** Top-level declarations, with the decorators written above each. */
export function declarations(tree: Tree): Declaration[] {
  const out: Declaration[] = [];
  let pending = new Map<string, Node[]>();
  for (const n of tree.rootNode.namedChildren) {
    if (n.type === 'decorators') {
      for (const d of n.descendantsOfType('decorator')) {
        const call = d.namedChildren[0];
        const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : call;
        const args =
          call?.type === 'call_expression' ? (call.childForFieldName('arguments')?.namedChildren ?? []) : [];
        if (fn) pending.set(fn.text, args);
      }
      continue;
    }
    if (DECLARATIONS.includes(n.type)) {
      const nameNode = n.childForFieldName('name') ?? n.namedChildren.find((c) => c.type === 'identifier');
      out.push({ kind: n.type, name: nameNode?.text ?? '', node: n, decorators: pending });
    }
    pending = new Map();
  }
  return out;
}

/** The body object of a resource or module declaration (`= { ... }`, `= if (...) { ... }` or a loop's body). */
export function body(decl: Declaration): Node | undefined {
  const objects = decl.node.namedChildren.flatMap((c) => {
    if (c.type === 'object') return [c];
    if (c.type === 'if_statement' || c.type === 'for_statement') {
      const inner = c.namedChildren.filter((x) => x.type === 'object' || x.type === 'if_statement');
      return inner.flatMap((x) =>
        x.type === 'object' ? [x] : x.namedChildren.filter((y) => y.type === 'object'),
      );
    }
    return [];
  });
  return objects[objects.length - 1];
}

/** The value expression of a `param`/`var`/`output` declaration (a parameter's default). */
export function valueOf(decl: Declaration): Node | undefined {
  const named = decl.node.namedChildren;
  if (decl.kind === 'parameter_declaration') {
    // param <name> <type> [= <default>]
    return named.length >= 3 ? named[named.length - 1] : undefined;
  }
  return named[named.length - 1];
}

/** The type string of a resource declaration, e.g. `Microsoft.Web/sites@2024-04-01`. */
export function resourceType(decl: Declaration): string | undefined {
  return literal(decl.node.namedChildren.find((c) => c.type === 'string'));
}

/** True when the resource declaration is an `existing` reference. */
export function isExisting(decl: Declaration): boolean {
  return decl.node.children.some((c) => c.type === 'existing');
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
