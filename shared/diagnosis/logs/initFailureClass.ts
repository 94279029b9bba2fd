/**
 * What kind of init failure a traceback shows (docs/CONTRACT.md §3 ScoringInitFailure details, plus MemoryError which the
 * OutOfMemory rule reports). Decided from the exception type and message first, then from where it was raised.
 */
import { pipPackageFor } from './pipPackages.js';
import type { PyException, PyFrame, PyTraceback, TracebackChain } from './traceback.js';
import { isLibraryFrame, userFrame } from './traceback.js';

export type InitFailureKind =
  | 'EntryScriptNotFound'
  | 'ServerIncompatibility'
  | 'SyntaxError'
  | 'MemoryError'
  | 'MissingPythonModule'
  | 'ModelFileNotFound'
  | 'ImportError'
  | 'InitException';

/** Most specific first: across a chained traceback the most specific part decides. */
const PRECEDENCE: readonly InitFailureKind[] = [
  'EntryScriptNotFound',
  'ServerIncompatibility',
  'SyntaxError',
  'MemoryError',
  'MissingPythonModule',
  'ModelFileNotFound',
  'ImportError',
  'InitException',
];

export interface ClassifiedFailure {
  kind: InitFailureKind;
  exception: PyException;
  /** The innermost frame in the user's code, e.g. `File "/var/azureml-app/score.py", line 12, in init`. */
  frame?: PyFrame;
  /** MissingPythonModule: the import path that failed, and the pip package providing it. */
  module?: string;
  pipPackage?: string;
  /**
   * MissingPythonModule raised while unpickling a model (`No module named 'sklearn.ensemble._forest'` from
   * joblib/pickle): the package is installed but in a different version than the one that saved the model.
   */
  unpicklingMismatch?: boolean;
  /** ImportError / ServerIncompatibility: `cannot import name '<name>' from '<from>'`. */
  importName?: string;
  importFrom?: string;
  /** ImportError: the system library the import could not load (`libGL.so.1: cannot open shared object file`). */
  sharedLibrary?: string;
  /** ModelFileNotFound: the path that was not found, when the message names one. */
  path?: string;
}

// The scoring server wraps the user's exception; the wrapper says nothing about the cause.
const WRAPPERS = /(UserScript\w*Exception|UserScriptError|AMLInitError)$/;
const SERVER_STACK = /^(jinja2|itsdangerous|werkzeug|flask|markupsafe|click)(\.|$)/;
const MODEL_FILE =
  /\.(pkl|pickle|joblib|pt|pth|h5|hdf5|keras|onnx|pb|sav|bin|safetensors|model|ckpt|tflite|cbm|ubj|mlmodel)$/i;

function quoted(message: string, re: RegExp): string | undefined {
  return re.exec(message)?.[1];
}

interface ChainFacts {
  /** Some frame unpickles or loads a model (pickle, joblib, load_model, torch serialization). */
  unpickling: boolean;
  /** Some frame is Azure ML's model-path lookup. */
  modelPathLookup: boolean;
}

const factsOfChain = new WeakMap<TracebackChain, ChainFacts>();

/** Facts about all frames of a chain, computed once per chain: per part it made chained tracebacks quadratic. */
function chainFacts(chain: TracebackChain): ChainFacts {
  let facts = factsOfChain.get(chain);
  if (!facts) {
    const frames: PyFrame[] = chain.parts.flatMap((p) => p.frames);
    facts = {
      unpickling: frames.some((f) =>
        /pickle|joblib|load_model|torch\/serialization/.test(`${f.file} ${f.func ?? ''}`),
      ),
      modelPathLookup: frames.some(
        (f) => f.func === 'get_model_path' || f.func === '_get_model_path_local_from_root',
      ),
    };
    factsOfChain.set(chain, facts);
  }
  return facts;
}

function classifyOne(
  ex: PyException,
  part: PyTraceback,
  chain: TracebackChain,
): Omit<ClassifiedFailure, 'exception' | 'frame'> {
  const type = ex.type.split('.').pop() ?? ex.type;
  const msg = ex.message;
  if (/MemoryError$/.test(type)) return { kind: 'MemoryError' };
  if (type === 'SyntaxError' || type === 'IndentationError' || type === 'TabError')
    return { kind: 'SyntaxError' };
  // Flask 2 calls Blueprint.register(app, options) differently from what old azureml-server images implement.
  if (type === 'TypeError' && /\bregister\(\) takes \d+ positional arguments? but \d+ were given/.test(msg)) {
    return { kind: 'ServerIncompatibility' };
  }
  if (type === 'ModuleNotFoundError' || type === 'ImportError') {
    const missing = quoted(msg, /No module named '([^']+)'/) ?? quoted(msg, /No module named ([\w.]+)/);
    if (missing) {
      if (missing === 'main' || missing === 'score') return { kind: 'EntryScriptNotFound', module: missing };
      const unpickling = missing.includes('.') && chainFacts(chain).unpickling;
      return {
        kind: 'MissingPythonModule',
        module: missing,
        pipPackage: pipPackageFor(missing),
        unpicklingMismatch: unpickling || undefined,
      };
    }
    const name =
      /cannot import name '([^']+)' from '([^']+)'/.exec(msg) ?? /cannot import name '?([\w.]+)'?/.exec(msg);
    if (name) {
      const from = name[2];
      // Who did the failing import: the innermost frame. The server or Flask importing jinja2 is a server/library
      // mismatch; the user's own `from jinja2 import Markup` is the user's ImportError.
      const importer = part.frames[part.frames.length - 1];
      const raisedInServer =
        !!importer &&
        isLibraryFrame(importer) &&
        /\/var\/azureml-server\/|azureml_inference_server_http|\/(flask|jinja2|werkzeug|itsdangerous)\//.test(
          importer.file,
        );
      if (from && SERVER_STACK.test(from) && raisedInServer) {
        return { kind: 'ServerIncompatibility', importName: name[1], importFrom: from };
      }
      return { kind: 'ImportError', importName: name[1], importFrom: from };
    }
    // The Python package is there, but a native library it links against is not in the image.
    const library = quoted(msg, /([\w.+-]+\.so(?:\.[\w.]+)?): cannot open shared object file/);
    return library ? { kind: 'ImportError', sharedLibrary: library } : { kind: 'ImportError' };
  }
  // Every wording a loader uses for "that path is not there": Python's OSError family, onnxruntime's NO_SUCHFILE,
  // Keras/TF "No file or directory found at", and the generic "... does not exist".
  const path =
    quoted(msg, /No such file or directory: '([^']+)'/) ??
    quoted(msg, /Not a directory: '([^']+)'/) ??
    quoted(msg, /Load model from (\S+) failed/) ??
    quoted(msg, /No file or directory found at (\S+?)[.,]?(?:\s|$)/) ??
    quoted(msg, /'?(\/[^\s']+?)'? (?:does not exist|doesn't exist)/) ??
    quoted(msg, /(?:root at|path) '?(\.?\/[^\s']+?)'?[.,]?(?:\s|$)/);
  const modelish =
    /ModelNotFound/.test(type) ||
    /Model not found in cache or in root/.test(msg) ||
    chainFacts(chain).modelPathLookup;
  const fileMissing =
    type === 'FileNotFoundError' ||
    type === 'NotADirectoryError' ||
    /No such file or directory|Not a directory|NO_SUCHFILE|File doesn't exist|does not exist|No file or directory found/.test(
      msg,
    ) ||
    /ModelNotFound|NoSuchFile/.test(type);
  if (
    fileMissing &&
    (modelish || (path && (/azureml-models|AZUREML_MODEL_DIR/.test(path) || MODEL_FILE.test(path))))
  ) {
    return { kind: 'ModelFileNotFound', path };
  }
  return { kind: 'InitException' };
}

/** Classifies a traceback chain; undefined when it carries no parsable exception line. */
export function classifyTraceback(chain: TracebackChain): ClassifiedFailure | undefined {
  const candidates: ClassifiedFailure[] = [];
  for (const part of chain.parts) {
    const ex = part.exception;
    if (!ex || WRAPPERS.test(ex.type)) continue;
    candidates.push({ ...classifyOne(ex, part, chain), exception: ex });
  }
  if (!candidates.length) {
    const last = chain.parts[chain.parts.length - 1]?.exception;
    if (!last) return undefined;
    candidates.push({ kind: 'InitException', exception: last });
  }
  // Stable: among equals the first (original) exception wins.
  candidates.sort((a, b) => PRECEDENCE.indexOf(a.kind) - PRECEDENCE.indexOf(b.kind));
  const best = candidates[0]!;
  return { ...best, frame: userFrame(chain) };
}
