/**
 * Sorts kubelet image-pull errors (containerd and Docker-era wording) into: the image is missing, the registry
 * refuses our credentials, or the node cannot reach the registry. Checked in that order of specificity, with the
 * ACR firewall's "not allowed access" (a network rule, not a credential) first.
 */
import type { DetailOf } from '../types.js';

export type PullFailureDetail = DetailOf<'ImagePullFailure'>;

export type UnreachableCause = 'dns' | 'timeout' | 'firewall' | 'tls' | 'refused';

export interface PullErrorClass {
  detail: PullFailureDetail;
  /** For RegistryUnreachable: what kind of network failure, to point the remedy at DNS, egress or TLS. */
  cause?: UnreachableCause;
}

const FIREWALL = /not allowed access|aka\.ms\/acr\/firewall/i;
const UNAUTHORIZED =
  /\b401\b|unauthorized|authentication required|pull access denied|requested access to the resource is denied|failed to authorize|no basic auth credentials|\b403 Forbidden/i;
const NOT_FOUND =
  /manifest unknown|manifest for \S+ not found|:\s*not found\b|NotFound desc|name unknown|repository does not exist|InvalidImageName|invalid reference format|couldn't parse image reference/i;
const DNS = /no such host|server misbehaving|Temporary failure in name resolution/i;
const TIMEOUT =
  /i\/o timeout|TLS handshake timeout|context deadline exceeded|Client\.Timeout exceeded|request canceled while waiting for connection|network is unreachable|connection reset by peer|unexpected EOF/i;
const TLS = /x509:|certificate signed by unknown authority|certificate is valid for/i;
const REFUSED = /connection refused/i;

export function classifyPullError(text: string | undefined): PullErrorClass | undefined {
  if (!text) return undefined;
  if (FIREWALL.test(text)) return { detail: 'RegistryUnreachable', cause: 'firewall' };
  if (UNAUTHORIZED.test(text)) return { detail: 'RegistryUnauthorized' };
  if (NOT_FOUND.test(text)) return { detail: 'ImageNotFound' };
  if (DNS.test(text)) return { detail: 'RegistryUnreachable', cause: 'dns' };
  if (TLS.test(text)) return { detail: 'RegistryUnreachable', cause: 'tls' };
  if (REFUSED.test(text)) return { detail: 'RegistryUnreachable', cause: 'refused' };
  if (TIMEOUT.test(text)) return { detail: 'RegistryUnreachable', cause: 'timeout' };
  return undefined;
}
