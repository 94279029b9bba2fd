/**
 * How a person gets the archived evidence bundle: the exact `az storage blob download-batch` command for the
 * bundle's blob prefix and the `amlmon diagnose` command that replays it, plus a portal link to the storage
 * account when its resource id is configured. A blob "folder" URL is not a link a browser can open, and a
 * loopback (Azurite) address is dead once the demo stops, so neither is shown as a link.
 */
import { shellQuote as q } from '../diagnosis/confirm/shellQuote.js';

export interface EvidenceReplay {
  /** `az storage blob download-batch ...` */
  download: string;
  /** `amlmon diagnose ./<prefix>` */
  diagnose: string;
  /** Azure portal page of the storage account that holds the bundle, when its resource id is known. */
  portalUrl?: string;
}

const AZURITE_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Account, container and blob prefix of an evidence bundle URL, or undefined when it is not a blob URL. */
export function blobLocation(
  url: string,
): { account: string; container: string; prefix: string; local: boolean } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const segments = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const local = AZURITE_HOSTS.has(u.hostname);
  const azure = /^([a-z0-9]{3,24})\.blob\.core\.windows\.net$/i.exec(u.hostname);
  const account = local ? segments.shift() : azure?.[1];
  const container = segments.shift();
  if (!account || !container || segments.length === 0) return undefined;
  return { account, container, prefix: segments.join('/'), local };
}

export function evidenceReplay(
  url: string | undefined,
  storageAccountId?: string,
): EvidenceReplay | undefined {
  const loc = url ? blobLocation(url) : undefined;
  if (!loc) return undefined;
  const auth = loc.local
    ? `--connection-string ${q('UseDevelopmentStorage=true')}`
    : `--account-name ${q(loc.account)} --auth-mode login`;
  const download = `az storage blob download-batch ${auth} --source ${q(loc.container)} --pattern ${q(`${loc.prefix}/*`)} --destination .`;
  const diagnose = `amlmon diagnose ${q(`./${loc.prefix}`)}`;
  const id = storageAccountId?.trim();
  const portalUrl =
    id &&
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+$/i.test(
      id,
    )
      ? `https://portal.azure.com/#@/resource${id}/storagebrowser`
      : undefined;
  return { download, diagnose, ...(portalUrl && !loc.local ? { portalUrl } : {}) };
}
