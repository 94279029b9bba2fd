/**
 * POSIX shell quoting for names that came from the cluster or a user: every name goes inside single quotes, and a
 * single quote inside it becomes `'\''`. Always quoted, even when it looks safe, so one rule covers every input.
 */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
