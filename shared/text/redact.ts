/**
 * Removes secrets from text we forward (evidence lines, log tails, error messages, rendered alerts, archived
 * bundles, function logs). Run it on WHOLE texts before anything cuts them: a cut can remove the prefix a rule keys
 * on (`AccountKey=`, `-----BEGIN`, `eyJ`) and leave the tail of the secret behind. It is idempotent, so running it
 * again at every boundary (defence in depth) is safe. Patterns are deliberately broad: a false redaction costs a
 * few characters of evidence, a missed one leaks a credential into an email.
 *
 * The kinds follow the secretlint "recommend" preset (AWS, GitHub, Slack, npm, private keys, basic-auth URLs,
 * generic secret assignments) plus what an Azure ML deployment leaks: storage/ACS/Service Bus connection strings,
 * SAS signatures (also URL-encoded), function `?code=`, APIM subscription keys, workspace `primaryKey`, Teams and
 * Logic Apps webhook URLs. secretlint itself is an async file linter reporting ranges; we need a synchronous
 * whole-text replace on every outgoing string, so its patterns are carried here rather than the package.
 *
 * Every pattern is anchored at a token start (look-behind) or a literal prefix, so a long run of word characters
 * is scanned once, not once per position: cost stays linear in the text.
 */

export const REDACTED = '[REDACTED]';

type Replacer = string | ((match: string, ...groups: string[]) => string);

interface Pattern {
  re: RegExp;
  replace: Replacer;
}

/** Names whose value is a secret: `*_KEY`, `*Secret`, `DB_PASSWORD`, `accessToken`, `Ocp-Apim-Subscription-Key`… */
const SECRET_NAME_SUFFIX =
  '(?:password|passwd|passphrase|pwd|secret|token|apikey|api[-_]?key|credentials?|signature|connection[-_]?string|(?<=[A-Za-z0-9][-_.]?)key)';
/** A whole name that holds a secret (object keys, env names). `key` alone (tolerations, selectors) is not one. */
const SECRET_NAME = new RegExp(`^[A-Za-z0-9_.-]*${SECRET_NAME_SUFFIX}$`, 'i');
/** Names that end like a secret but are not one. */
const NOT_SECRET_NAME =
  /^(?:[A-Za-z0-9_.-]*(?:max|num|n)[-_]?tokens?|tokenizer|.*(?:public|ssh-?rsa)[-_]?key|keys?|monkey|hotkey|sortkey|partitionkey|rowkey|primarykey-?id)$/i;

/** Value of an assignment: a quoted string, or a run up to whitespace or a separator. */
const VALUE = `(?:\\\\"[^"\\\\\\n]*|"(?:[^"\\\\\\n]|\\\\.)*"|'[^'\\n]*'|[^\\s"'&,;}<>\\]\\)\\\\]+)`;

function redactAssignment(
  _m: string,
  name: string,
  sep: string,
  value: string,
  /** The blank and letter after the value, when a word follows it (a look-ahead group: may be undefined). */
  wordAfter?: string,
): string {
  if (NOT_SECRET_NAME.test(name)) return _m;
  // Prose, not an assignment: "Failed to refresh token: cluster identity is not set up" (a lowercase word after
  // `name: ` and more words after it), ".../oauth2/token: 401 Unauthorized" (an HTTP status and its reason). A secret
  // value has digits, capitals or symbols, or ends the line.
  if (/^[ \t]*:[ \t]+$/.test(sep) && /^(?:[a-z]+|[1-5]\d\d)$/.test(value) && wordAfter !== undefined)
    return _m;
  // A code span (`kubectl get secret …`) is a command we or the log quote, not a value.
  if (value.startsWith('`')) return _m;
  if (value.startsWith(REDACTED) || value === `"${REDACTED}"` || value === `'${REDACTED}'`) return _m;
  // A JSON/YAML object or list as the value (`"password": {`) is structure, not the secret itself.
  if (/^[[{]/.test(value)) return _m;
  // Prose, not an assignment: "failed to get token: AADSTS700016: ..." (the value is itself a label).
  if (/:$/.test(value) && /:/.test(sep)) return _m;
  // A JSON number, boolean or null (`"maxTokens": 5`) is no secret, and replacing it would break the JSON.
  if (/^\\?["']/.test(sep) && /^(?:-?\d+(?:\.\d+)?|true|false|null)$/.test(value)) return _m;
  // JSON inside a JSON string: `\"password\": \"x\"` keeps its closing `\"` (not consumed).
  if (value.startsWith('\\"')) return `${name}${sep}\\"${REDACTED}`;
  const q = value[0] === '"' || value[0] === "'" ? value[0] : '';
  return `${name}${sep}${q}${REDACTED}${q}`;
}

const PATTERNS: Pattern[] = [
  // PEM private keys as BLOCKS (any kind: RSA, EC, OPENSSH, ENCRYPTED, PGP …); unterminated ones to the end.
  {
    re: /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$(?![\s\S]))/g,
    replace: `-----BEGIN $1-----${REDACTED}-----END $1-----`,
  },
  // Userinfo passwords in URLs: postgresql://user:pw@host, pip https://user:token@feed, redis://:pw@host.
  {
    re: /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@"'<>]*):([^\s@/"'<>]+)@/gi,
    replace: `$1:${REDACTED}@`,
  },
  // A token as the whole userinfo of an https URL (https://ghp_xxx@github.com, https://<pat>@dev.azure.com).
  { re: /\b(https?:\/\/)([A-Za-z0-9_-]{20,})@/gi, replace: `$1${REDACTED}@` },
  // Query-string secrets: SAS `sig`, function `code`, `api_key`, `access_token`, subscription keys.
  {
    re: /([?&;])(sig|signature|code|key|api[-_]?key|apikey|access[-_]?token|token|secret|password|subscription-key|client_secret)=([^&\s"'<>#]+)/gi,
    replace: `$1$2=${REDACTED}`,
  },
  // The same, URL-encoded inside another URL (`...%3Fsv%3D...%26sig%3DXXXX%26...`).
  {
    re: /(%3F|%26|[?&])(sig|signature|code|api[-_]?key|access[-_]?token|token|secret|password)%3D((?:(?!%26)[^&\s"'<>#])+)/gi,
    replace: `$1$2%3D${REDACTED}`,
  },
  // A bare `sig=` outside a query string (Teams/Logic Apps URLs printed whole, SAS tokens on their own).
  { re: /(?<![A-Za-z0-9_])(sig|signature)=([^&\s"'<>]+)/gi, replace: `$1=${REDACTED}` },
  // Assignments in env, YAML, JSON, connection-string and header forms: DB_PASSWORD=x, "primaryKey": "x",
  // AccountKey=x;, Ocp-Apim-Subscription-Key: x, AZURE_CLIENT_SECRET=x, client_secret: x.
  {
    re: new RegExp(
      `(?<![A-Za-z0-9_.-])((?:[A-Za-z0-9_.-]*?)${SECRET_NAME_SUFFIX})(\\\\?["']?[ \\t]*[:=][ \\t]*)(${VALUE})(?=([ \\t]+[a-z])?)`,
      'gi',
    ),
    replace: redactAssignment,
  },
  // Kubernetes env pairs in YAML: `- name: DB_PASSWORD` followed by `value: x`.
  {
    re: new RegExp(
      `(name:[ \\t]*["']?[A-Za-z0-9_.-]*${SECRET_NAME_SUFFIX}["']?[ \\t]*\\r?\\n[ \\t]*value:[ \\t]*)(${VALUE})`,
      'gi',
    ),
    replace: `$1${REDACTED}`,
  },
  // Command-line flags: --password X, --password=X, --token X, --client-secret X, -p X after a login verb; a flag
  // starts a word (`ns/x-secret — …` is a name, not the flag `-secret`).
  {
    re: /(?<![^\s"'=(])(--?(?:password|passwd|pass|token|secret|client-secret|account-key|sas-token|api-key|access-key|key)(?:[ \t]+|=))("[^"\n]*"|'[^'\n]*'|[^\s"'-][^\s"']*)/gi,
    replace: `$1${REDACTED}`,
  },
  // HTTP authorization headers and bearer tokens.
  { re: /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/g, replace: `$1 ${REDACTED}` },
  { re: /\b(Authorization\s*:\s*)(?!Bearer|Basic|\[REDACTED)(\S+)/gi, replace: `$1${REDACTED}` },
  // JWTs anywhere (eyJ… base64url segments; also a cut one with only two segments).
  { re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g, replace: REDACTED },
  // Well-known token shapes: AWS key ids, GitHub, Slack, npm, Google, Stripe, Azure storage account keys.
  { re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g, replace: REDACTED },
  { re: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, replace: REDACTED },
  { re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: REDACTED },
  { re: /\bnpm_[A-Za-z0-9]{36}\b/g, replace: REDACTED },
  { re: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: REDACTED },
  { re: /\b[rs]k_live_[0-9A-Za-z]{16,}/g, replace: REDACTED },
  { re: /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==/g, replace: REDACTED },
  // Webhook URLs are credentials in themselves: Teams connectors, Slack, Discord.
  { re: /(https:\/\/[\w.-]+\.webhook\.office\.com\/webhookb2\/)[^\s"'<>]+/gi, replace: `$1${REDACTED}` },
  {
    re: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>]+/gi,
    replace: `$1${REDACTED}`,
  },
  { re: /(https:\/\/(?:\w+\.)?discord(?:app)?\.com\/api\/webhooks\/)[^\s"'<>]+/gi, replace: `$1${REDACTED}` },
  // Docker registry `.dockerconfigjson` auth blobs.
  { re: /(\\?"auth\\?"\s*:\s*\\?")[^"\\]+(\\?")/g, replace: `$1${REDACTED}$2` },
  // A line that is nothing but a long base64 run (a key body, a token dumped on its own line).
  {
    re: /^([ \t]*)(?=[A-Za-z0-9+/]*[0-9+/])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{40,}={0,2}[ \t]*$/gm,
    replace: `$1${REDACTED}`,
  },
];

/** Cheap pre-check: text without any of these cannot match a pattern, so most evidence lines skip the work. */
const TRIGGER =
  /PRIVATE KEY|:\/\/|[?&;%]|[:=]|--?[a-z]|Bearer|Basic|eyJ|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|gh[pousr]_|github_pat_|xox|npm_|AIza|k_live_|[A-Za-z0-9+/]{40}/i;

const ORPHAN_PEM_END = /-----END ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----/g;
const KEY_BODY_LINE = /^[ \t]*[A-Za-z0-9+/=]{16,}[ \t]*\r?$/;

/**
 * The body of a key whose BEGIN line was cut off before we saw it (a log read from its tail): walk back from each
 * END line over base64 lines. Done by hand, not by one regex, which would backtrack quadratically over a long run
 * of base64-looking lines that has no END after it.
 */
function redactOrphanKeyBodies(text: string): string {
  if (!text.includes('-----END ')) return text;
  let out = '';
  let from = 0;
  ORPHAN_PEM_END.lastIndex = 0;
  for (let m = ORPHAN_PEM_END.exec(text); m; m = ORPHAN_PEM_END.exec(text)) {
    let start = text.lastIndexOf('\n', m.index - 1) + 1; // start of the END line
    while (start > from) {
      const prevStart = text.lastIndexOf('\n', start - 2) + 1;
      if (!KEY_BODY_LINE.test(text.slice(prevStart, start - 1))) break;
      start = prevStart;
    }
    const endLineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    if (start < endLineStart)
      out += `${text.slice(from, start)}${REDACTED}${text.slice(endLineStart, m.index)}`;
    else out += text.slice(from, m.index);
    out += m[0];
    from = m.index + m[0].length;
  }
  return out + text.slice(from);
}

export function redact(text: string): string {
  if (!TRIGGER.test(text)) return text;
  let out = text;
  for (const { re, replace } of PATTERNS) {
    re.lastIndex = 0;
    out = typeof replace === 'string' ? out.replace(re, replace) : out.replace(re, replace);
  }
  return redactOrphanKeyBodies(out);
}

/** Whether an object key or environment variable name holds a secret (`primaryKey`, `DB_PASSWORD`, `sig`). */
export function isSecretName(name: string): boolean {
  if (NOT_SECRET_NAME.test(name)) return false;
  return SECRET_NAME.test(name) || /^(?:sig|auth)$/i.test(name);
}

/**
 * `redact`, except for exact strings the product issued itself for this message: the signed action links. Their
 * token is base64url JSON, so it starts like a JWT and `redact` would remove it, leaving a button that cannot act.
 * Only exact, whole strings are kept — an attacker cannot forge one (it carries our HMAC), and any other text around
 * or inside a message is redacted as usual.
 */
export function redactKeeping(text: string, keep: readonly string[]): string {
  const kept = keep.filter((k) => k.length > 0 && text.includes(k));
  if (kept.length === 0) return redact(text);
  // Placeholders that no pattern matches (NUL-delimited, no separators), restored after redaction.
  const slot = (i: number): string => `\u0000amlmonkeep${i}\u0000`;
  let out = text;
  kept.forEach((k, i) => (out = out.split(k).join(slot(i))));
  out = redact(out);
  kept.forEach((k, i) => (out = out.split(slot(i)).join(k)));
  return out;
}

/** `redactDeep` with `redactKeeping`'s exception for the product's own signed links. */
export function redactDeepKeeping<T>(value: T, keep: readonly string[]): T {
  return walk(value, 0, (s) => redactKeeping(s, keep)) as T;
}

/**
 * Redacts every string in a JSON-like value (what a renderer or the diagnosis JSON serialises): values under
 * secret names become `[REDACTED]` whole, `{name: "DB_PASSWORD", value}` pairs lose the value, and every other
 * string goes through `redact`. Dates, numbers and booleans are kept; Maps and Sets are walked. Returns a copy.
 */
export function redactDeep<T>(value: T): T {
  return walk(value, 0, redact) as T;
}

/** `redactDeep`, and every string also loses its terminal control sequences: for what a terminal prints. */
export function redactForTerminal<T>(value: T): T {
  return walk(value, 0, (s) => stripControls(redact(s))) as T;
}

/** The final text a terminal prints: redacted whole, control sequences removed (our own colours kept if asked). */
export function terminalText(text: string, keepColour = false): string {
  const clean = redact(text);
  if (!keepColour) return stripControls(clean);
  // Keep SGR colour sequences only; everything else that could drive the terminal goes.
  // eslint-disable-next-line no-control-regex
  const parts = clean.split(/(\u001b\[[0-9;]*m)/);
  return parts.map((p, i) => (i % 2 === 1 ? p : stripControls(p))).join('');
}

function walk(value: unknown, depth: number, text: (s: string) => string): unknown {
  // An inline image (a chart in a card) is data, not text: redaction would only corrupt it.
  if (typeof value === 'string') return value.startsWith('data:image/') ? value : text(value);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, text));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, walk(v, depth + 1, text)]));
  if (value instanceof Set) return new Set([...value].map((v) => walk(v, depth + 1, text)));
  const record = value as Record<string, unknown>;
  const pairName = typeof record.name === 'string' ? record.name : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === 'string' && (isSecretName(k) || (k === 'value' && pairName && isSecretName(pairName))))
      out[k] = v === '' ? v : REDACTED;
    else out[k] = walk(v, depth + 1, text);
  }
  return out;
}

/** Strips ANSI colour/control sequences (build logs wrap stderr in `ESC[91m` … `ESC[0m`, sometimes without the ESC). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/\[(?:9[0-7]|3[0-7]|0|1|4)m/g, '');
}

/**
 * Removes every terminal control sequence (CSI, OSC incl. hyperlinks and title changes, DCS/APC/PM strings, single
 * ESC codes, C1 controls) and bare control characters except newline and tab: text from a cluster must not drive
 * the reader's terminal.
 */
export function stripControls(text: string): string {
  return (
    text
      // OSC/DCS/SOS/PM/APC strings: ESC ] … (BEL | ESC \), and their 8-bit forms.
      // eslint-disable-next-line no-control-regex
      .replace(/(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)/g, '')
      // CSI: ESC [ params intermediates final, and 8-bit CSI.
      // eslint-disable-next-line no-control-regex
      .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g, '')
      // Other two-character escapes.
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b[ -~]?/g, '')
      // Remaining C0 (except \n, \t) and C1 controls.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
  );
}

/**
 * Cuts a line to `max` characters with a visible marker, for evidence that must stay short. The cut falls on a
 * space, comma or semicolon when there is one in the last half of the room, so a version, a name or a path is
 * either shown whole or not at all ("2.1.1, 2.1.2, …", never "2.1.2, 2.…"); one token longer than half the room is
 * cut where it must be.
 */
export function clip(text: string, max = 400): string {
  if (text.length <= max) return text;
  // Room for the text and " …" (two characters).
  const room = text.slice(0, max - 2);
  const at = Math.max(room.lastIndexOf(' '), room.lastIndexOf(','), room.lastIndexOf(';'));
  if (at < max / 2) return `${text.slice(0, max - 1)}…`;
  // Keep a comma or semicolon that ends the last whole item; the marker then stands for the items left out.
  const head = text.slice(0, at + (text[at] === ' ' ? 0 : 1)).trimEnd();
  return `${head} …`;
}

/** Quotes a word for a POSIX shell when it is not plainly safe, so a name from the cluster cannot inject commands. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
