/**
 * Which blob URLs from an event may be read with the monitor's credential. An event names a URL; if we followed any
 * URL with the managed identity's bearer token, whoever can publish (or forge) an event could collect that token.
 * So a `BlobCreated` URL must be https, carry no userinfo or odd port, and sit on the blob endpoint of the storage
 * account that is the event's own topic (or under a blob endpoint the operator configured).
 */
export type BlobUrlCheck = { ok: true; url: URL } | { ok: false; error: string };

const STORAGE_TOPIC = /\/providers\/Microsoft\.Storage\/storageAccounts\/([a-z0-9]{3,24})\/?$/i;
/** Public and sovereign-cloud blob endpoint suffixes. */
const BLOB_SUFFIXES = [
  '.blob.core.windows.net',
  '.blob.core.chinacloudapi.cn',
  '.blob.core.usgovcloudapi.net',
  '.blob.core.cloudapi.de',
];

/** The storage account an event's topic names, when it is a storage account. */
export function storageAccountOfTopic(topic: string | undefined): string | undefined {
  return topic ? STORAGE_TOPIC.exec(topic)?.[1]?.toLowerCase() : undefined;
}

function underEndpoint(url: URL, endpoint: string): boolean {
  let base: URL;
  try {
    base = new URL(endpoint);
  } catch {
    return false;
  }
  const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return url.origin === base.origin && url.pathname.startsWith(path);
}

/**
 * Checks `raw` (an event's `data.url`) against the event's topic and the configured endpoints. The error names
 * the host, never the full URL (it may carry a SAS).
 */
export function checkBlobUrl(
  raw: string,
  topic: string | undefined,
  allowedEndpoints: readonly string[] = [],
): BlobUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, error: 'data.url is not a URL' };
  }
  if (allowedEndpoints.some((e) => underEndpoint(url, e))) return { ok: true, url };
  if (url.protocol !== 'https:') return { ok: false, error: `data.url must be https, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, error: 'data.url must not carry user information' };
  if (url.port !== '' && url.port !== '443') return { ok: false, error: `data.url names port ${url.port}` };
  const account = storageAccountOfTopic(topic);
  if (!account)
    return {
      ok: false,
      error: 'the event topic names no storage account, so data.url cannot be checked against it',
    };
  const host = url.hostname.toLowerCase();
  if (!BLOB_SUFFIXES.some((s) => host === `${account}${s}`))
    return {
      ok: false,
      error: `data.url host ${host} is not the blob endpoint of storage account ${account} (the event's topic)`,
    };
  return { ok: true, url };
}

/** Thrown before a credential would be attached to a URL that is not one we expect. */
export class UntrustedUrlError extends Error {
  constructor(reason: string) {
    super(`refusing to send the monitor's credential: ${reason}`);
    this.name = 'UntrustedUrlError';
  }
}
