/**
 * Removes secrets from text we forward (evidence lines, log tails, error messages). Applied to every line that
 * leaves the engine; cheap enough to run twice. Patterns are deliberately broad: a false redaction costs a few
 * characters of evidence, a missed one leaks a credential into an email.
 */

const REDACTED = '[REDACTED]';

interface Pattern {
  re: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

const PATTERNS: Pattern[] = [
  // PEM private keys, possibly spanning lines.
  {
    re: /-----BEGIN ((?:RSA |EC |OPENSSH |ENCRYPTED |DSA )?PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g,
    replace: `-----BEGIN $1-----${REDACTED}-----END $1-----`,
  },
  // SAS query parameters: the signature is the secret; keep the rest readable.
  { re: /([?&;]|\b)(sig|signature)=([^&\s"'<>]+)/gi, replace: `$1$2=${REDACTED}` },
  // Storage / Service Bus / Event Hubs / ACS connection-string keys.
  {
    re: /\b(AccountKey|SharedAccessKey|SharedAccessSignature|accesskey|access_key|ClientSecret|client_secret|password|passwd|pwd)("?)\s*([=:])\s*("?)([^;\s"'&,}]+)/gi,
    replace: (_m, key: string, keyQuote: string, sep: string, quote: string) =>
      `${key}${keyQuote}${sep}${quote}${REDACTED}`,
  },
  // HTTP authorization headers and bearer tokens.
  { re: /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/g, replace: `$1 ${REDACTED}` },
  { re: /\b(Authorization\s*:\s*)(?!Bearer|Basic)(\S+)/gi, replace: `$1${REDACTED}` },
  // JWTs anywhere (eyJ... three base64url segments).
  { re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, replace: REDACTED },
  // Teams/Logic Apps workflow URLs carry their signature in `sig=`, handled above; webhook.office.com paths too.
  { re: /(https:\/\/[\w.-]+\.webhook\.office\.com\/webhookb2\/)[^\s"'<>]+/gi, replace: `$1${REDACTED}` },
  // Docker registry passwords and `.dockerconfigjson` auth blobs.
  { re: /("auth"\s*:\s*")[^"]+(")/g, replace: `$1${REDACTED}$2` },
];

export function redact(text: string): string {
  let out = text;
  for (const { re, replace } of PATTERNS) {
    re.lastIndex = 0;
    out = typeof replace === 'string' ? out.replace(re, replace) : out.replace(re, replace);
  }
  return out;
}

/** Strips ANSI colour/control sequences (build logs wrap stderr in `ESC[91m` … `ESC[0m`, sometimes without the ESC). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/\[(?:9[0-7]|3[0-7]|0|1|4)m/g, '');
}

/** Cuts a line to `max` characters with a visible marker, for evidence that must stay short. */
export function clip(text: string, max = 400): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
