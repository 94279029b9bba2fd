/**
 * Azure Storage failures as they appear in model-download logs and volume-driver messages: the REST error codes
 * (`AuthorizationPermissionMismatch`, `BlobNotFound`, …), HTTP statuses as the Azure SDKs print them
 * (`Status: 403 (…)`, `status code 404`, `(404) The specified blob does not exist`), and blob URLs, which are shown
 * without their query string so a SAS token never reaches a report.
 */

export type StorageFailureKind = 'AccessDenied' | 'NotFound';

export interface StorageFailure {
  kind: StorageFailureKind;
  /** The Azure Storage error code when the text names one. */
  code?: string;
  /** True when the account refused the caller's network, not its role (firewall / private endpoint). */
  network: boolean;
  /** The line that says so. */
  line: string;
}

interface Signal {
  re: RegExp;
  kind: StorageFailureKind;
  code?: string;
  network?: boolean;
}

// Ordered: an explicit error code beats a bare HTTP status on another line.
const SIGNALS: readonly Signal[] = [
  {
    re: /\bAuthorizationPermissionMismatch\b/,
    kind: 'AccessDenied',
    code: 'AuthorizationPermissionMismatch',
  },
  { re: /\bAuthorizationFailure\b/, kind: 'AccessDenied', code: 'AuthorizationFailure', network: true },
  {
    re: /\bAuthorizationSourceIPMismatch\b/,
    kind: 'AccessDenied',
    code: 'AuthorizationSourceIPMismatch',
    network: true,
  },
  { re: /\bAuthenticationFailed\b/, kind: 'AccessDenied', code: 'AuthenticationFailed' },
  {
    re: /\bKeyBasedAuthenticationNotPermitted\b/,
    kind: 'AccessDenied',
    code: 'KeyBasedAuthenticationNotPermitted',
  },
  { re: /\bBlobNotFound\b/, kind: 'NotFound', code: 'BlobNotFound' },
  { re: /\bContainerNotFound\b/, kind: 'NotFound', code: 'ContainerNotFound' },
  { re: /The specified blob does not exist/i, kind: 'NotFound', code: 'BlobNotFound' },
  { re: /The specified container does not exist/i, kind: 'NotFound', code: 'ContainerNotFound' },
  {
    re: /This request is not authorized to perform this operation using this permission/i,
    kind: 'AccessDenied',
    code: 'AuthorizationPermissionMismatch',
  },
  {
    re: /This request is not authorized to perform this operation/i,
    kind: 'AccessDenied',
    code: 'AuthorizationFailure',
    network: true,
  },
  { re: /Server failed to authenticate the request/i, kind: 'AccessDenied', code: 'AuthenticationFailed' },
  {
    re: /(?:status(?:[ _]?code)?\s*[:=]?\s*|\(|\bHTTP\/?\d?(?:\.\d)?\s+)403\b|\b403 Forbidden\b/i,
    kind: 'AccessDenied',
  },
  {
    re: /(?:status(?:[ _]?code)?\s*[:=]?\s*|\(|\bHTTP\/?\d?(?:\.\d)?\s+)404\b|\b404 Not Found\b/i,
    kind: 'NotFound',
  },
];

/** The first storage failure in `text`, by signal strength (an error code before a bare status). */
export function findStorageFailure(text: string): StorageFailure | undefined {
  const lines = text.split('\n');
  for (const s of SIGNALS) {
    const line = lines.find((l) => s.re.test(l));
    if (line !== undefined) {
      const codeNamed = /ErrorCode\s*[:=]\s*"?(\w+)/.exec(text)?.[1];
      // A bare `ErrorCode:X` line says less to a person than the service's message next to it.
      const message = /^\s*ErrorCode\s*[:=]/.test(line)
        ? lines.find((l) => MESSAGE[s.kind].test(l))
        : undefined;
      return {
        kind: s.kind,
        code: s.code ?? codeNamed,
        network: s.network ?? false,
        line: (message ?? line).trim(),
      };
    }
  }
  return undefined;
}

const MESSAGE: Record<StorageFailureKind, RegExp> = {
  AccessDenied: /not authorized|failed to authenticate|Forbidden/i,
  NotFound: /does not exist|Not Found/i,
};

/** A blob URL with its query (SAS) and fragment dropped. */
export function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/, '');
}

const BLOB_URL =
  /https?:\/\/[a-z0-9]+\.blob\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)\/[^\s"'<>)]*/gi;

/** Blob URLs named in `text`, query-less, in order of appearance, without duplicates. */
export function blobUrls(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(BLOB_URL)) {
    const u = withoutQuery(m[0]).replace(/[.,;:]+$/, '');
    if (!out.includes(u)) out.push(u);
  }
  return out;
}

/** `https://acct.blob.core.windows.net/container/path` → `{ account, container, path }`. */
export function parseBlobUrl(
  url: string,
): { account: string; container?: string; path?: string } | undefined {
  const m = /^https?:\/\/([a-z0-9]+)\.blob\.core\.[^/]+\/?([^/]*)\/?(.*)$/i.exec(withoutQuery(url));
  if (!m?.[1]) return undefined;
  return { account: m[1], container: m[2] || undefined, path: m[3] || undefined };
}
