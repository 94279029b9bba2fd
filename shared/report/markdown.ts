/**
 * Escaping for Adaptive Card TextBlock / Fact text, which Teams renders as (a subset of) markdown. Untrusted text
 * must not become emphasis, code, links, headings, lists or quotes: each character that can start such syntax
 * gets a backslash, which CommonMark (and Teams) render as the literal character. Characters that are only
 * special next to an escaped one (`(` after `]`, `!` before `[`) are left alone so the text stays readable.
 * An underscore between two letters or digits (`azureml_a41c`, `bert_svc`) cannot open or close emphasis, so it
 * stays bare: image names, pod names and paths are copied from the card and must not gain a backslash.
 */

const INLINE = /[\\`*[\]~<>]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

export function escapeCardMarkdown(text: string): string {
  return (
    text
      .replace(INLINE, (c) => `\\${c}`)
      // At the start of a line, these make headings, quotes (">" is already escaped), lists or rules.
      .replace(/^(\s*)([#+=-])/gm, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/gm, '$1\\$2')
      // Blank lines would split the block into paragraphs; keep the line structure, drop runs of newlines.
      .replace(/\n{2,}/g, '\n')
  );
}
