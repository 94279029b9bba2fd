/**
 * The Python version an environment build used, read from the build log itself: pip's wheel tags (`cp310`) are
 * the environment's own interpreter; a conda `python=3.10` pin or a `python3.10/` path only when no wheel says it.
 * The line it came from is returned as evidence, so a remedy that depends on it shows why.
 */
import { evidence } from '../context.js';
import type { Evidence } from '../types.js';

export interface PythonVersion {
  /** `3.10` */
  version: string;
  /** How the log says it, e.g. `cp310`. */
  token: string;
  evidence: Evidence;
}

const PATTERNS: ReadonlyArray<{ re: RegExp; token: (m: RegExpExecArray) => string }> = [
  // Wheel file names: pandas-2.2.3-cp310-cp310-manylinux...whl
  { re: /-cp(3)(\d{1,2})-(?:cp|abi)/, token: (m) => `cp${m[1]}${m[2]}` },
  // conda pins: `- python=3.10`, `python==3.10.4`
  { re: /(?:^|\s)-?\s*python={1,2}(3)\.(\d{1,2})/, token: (m) => `python=${m[1]}.${m[2]}` },
  // site-packages / interpreter paths
  { re: /python(3)\.(\d{1,2})\//, token: (m) => `python${m[1]}.${m[2]}` },
];

/** The first match of the strongest kind of signal in the log text, or undefined when the log does not say. */
export function pythonVersionOf(text: string | undefined, source: string): PythonVersion | undefined {
  if (!text) return undefined;
  const lines = text.split(/\r?\n/);
  for (const { re, token } of PATTERNS) {
    for (const line of lines) {
      const m = re.exec(line);
      if (m)
        return {
          version: `${m[1]}.${m[2]}`,
          token: token(m),
          evidence: evidence(source, line),
        };
    }
  }
  return undefined;
}
