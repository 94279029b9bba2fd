/**
 * Failures before the first Kubernetes request (reading a kubeconfig, ARM's `listClusterUserCredentials`, an Entra ID
 * token) as `RequestFailure`s, so a cluster we cannot sign in to becomes `ClusterUnreachable/<detail>` data.
 */
import { RequestFailure, toRequestFailure } from '../errors.js';
import { redact } from '../../text/redact.js';

const IDENTITY_ERRORS = ['CredentialUnavailableError', 'AuthenticationError', 'AuthenticationRequiredError'];

export function signInFailure(error: unknown): RequestFailure {
  if (error instanceof RequestFailure) return error;
  const e = (error ?? {}) as { name?: unknown; statusCode?: unknown; message?: unknown };
  const message = redact(typeof e.message === 'string' ? e.message : String(error)).slice(0, 300);
  if (typeof e.name === 'string' && IDENTITY_ERRORS.includes(e.name)) {
    return new RequestFailure('SignInFailed', `sign-in failed (${e.name})`, message);
  }
  if (typeof e.statusCode === 'number') {
    if (e.statusCode === 403) return new RequestFailure('Forbidden', '403 Forbidden', message, 403);
    return new RequestFailure('SignInFailed', `sign-in failed (${e.statusCode})`, message, e.statusCode);
  }
  const transport = toRequestFailure(error, 0);
  if (
    transport.kind === 'Unreachable' ||
    transport.kind === 'ConnectionReset' ||
    transport.kind === 'Timeout'
  ) {
    return transport;
  }
  return new RequestFailure('SignInFailed', 'sign-in failed', message);
}
