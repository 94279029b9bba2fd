/** Reads what the digest needs from a DigestSource and computes it. The only async step of the digest. */
import { computeDigest, digestSince, type DigestOptions } from './compute.js';
import type { DigestSource } from './source.js';
import type { Digest } from './types.js';

export async function collectDigest(source: DigestSource, opts: DigestOptions): Promise<Digest> {
  const since = digestSince(opts);
  const [deployments, incidents, lastSweep] = await Promise.all([
    source.listDeployments(since),
    source.listIncidents(since),
    source.lastSweep(),
  ]);
  return computeDigest({ ...opts, deployments, incidents, lastSweep });
}
