/**
 * Kubernetes resource quantities ("100m", "1.5", "512Mi", "16393244Ki", "4G") as numbers, and back to short text
 * for explanations. Only what remedies need: comparisons and readable sizes, not exact round-trips.
 */

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The numeric value of a quantity (cores for cpu, bytes for memory, a count otherwise); undefined if unparseable. */
export function parseQuantity(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = /^\s*([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)(?:[eE]([+-]?\d+))?([a-zA-Z]{0,2})\s*$/.exec(q);
  if (!m) return undefined;
  const base = Number(m[1]);
  const exp = m[2] ? 10 ** Number(m[2]) : 1;
  const mult = SUFFIX[m[3] ?? ''];
  if (mult === undefined) return undefined;
  return base * exp * mult;
}

function trim(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

/** "1.5 CPU", "500m CPU". */
export function formatCpu(cores: number): string {
  return cores < 1 ? `${Math.round(cores * 1000)}m CPU` : `${trim(cores, 2)} CPU`;
}

/** "12.3Gi", "512Mi". */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${trim(bytes / 2 ** 30, 1)}Gi`;
  if (bytes >= 2 ** 20) return `${trim(bytes / 2 ** 20, 0)}Mi`;
  return `${trim(bytes / 2 ** 10, 0)}Ki`;
}

/** A resource amount in the unit people expect for it. */
export function formatResource(resource: string, value: number): string {
  if (resource === 'cpu' || resource.endsWith('.cpu')) return formatCpu(value);
  if (/memory|storage/.test(resource)) return formatBytes(value);
  return trim(value, 2);
}

/** A quantity as Kubernetes users write it: `cpu=250m`, `cpu=2`, `memory=4Gi`, `nvidia.com/gpu=1`. */
export function formatShort(resource: string, value: number): string {
  if (resource === 'cpu' || resource.endsWith('.cpu'))
    return value < 1 ? `${Math.round(value * 1000)}m` : trim(value, 2);
  return formatResource(resource, value);
}

/** An amount with its unit or resource name, for sentences: "6 CPU", "24Gi", "1 microsoft.com/fpga_catapult". */
export function formatAmount(resource: string, value: number): string {
  if (resource === 'cpu' || resource.endsWith('.cpu') || /memory|storage/.test(resource))
    return formatResource(resource, value);
  return `${trim(value, 2)} ${resource}`;
}
