/**
 * The resources the scenario cluster serves: where each kind lives in the API (group/version, plural, scope),
 * and the discovery documents (`/api`, `/apis`, `/api/v1`, …) kubectl reads before it makes a request.
 */

export interface ResourceKind {
  /** `''` for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Objects of this kind are stored under another kind and converted (events.k8s.io ← core Event). */
  storedAs?: string;
}

export const RESOURCES: readonly ResourceKind[] = [
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
  },
  {
    group: '',
    version: 'v1',
    plural: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
  },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'] },
  {
    group: '',
    version: 'v1',
    plural: 'resourcequotas',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
  },
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    storedAs: 'Event',
  },
];

export function groupVersion(r: ResourceKind): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** A key that tells `events` (core) from `events.k8s.io/events`. */
export function resourceKey(r: ResourceKind): string {
  return r.group === '' || r.group === 'apps' ? r.plural : `${r.group}/${r.plural}`;
}

export function findResource(group: string, version: string, plural: string): ResourceKind | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The resource a stored object (by its apiVersion/kind) is served as, for its primary API. */
export function primaryResourceOfKind(kind: string): ResourceKind | undefined {
  return RESOURCES.find((r) => r.kind === kind && r.storedAs === undefined);
}

const VERBS = ['get', 'list'];

function resourceList(group: string, version: string): object {
  const gv = group === '' ? version : `${group}/${version}`;
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).flatMap((r) => {
    const main = {
      name: r.plural,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    };
    if (r.kind !== 'Pod') return [main];
    return [main, { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] }];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

/** Discovery documents by path; `undefined` when the path is not a discovery path. */
export function discoveryDocument(pathname: string, serverAddress: string): object | undefined {
  if (pathname === '/version') {
    return {
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.0-amlmon-scenario',
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2026-01-01T00:00:00Z',
      goVersion: 'go1.23.0',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }
  if (pathname === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }
  if (pathname === '/apis') {
    const groups = [...new Set(RESOURCES.filter((r) => r.group !== '').map((r) => r.group))].map((group) => {
      const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))];
      const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
      return { name: group, versions: list, preferredVersion: list[0] };
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  if (pathname === '/api/v1') return resourceList('', 'v1');
  const group = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(pathname);
  if (group) {
    const name = group[1] ?? '';
    const version = group[2];
    const known = RESOURCES.filter((r) => r.group === name);
    if (known.length === 0) return undefined;
    if (version === undefined) {
      const versions = [...new Set(known.map((r) => r.version))].map((v) => ({
        groupVersion: `${name}/${v}`,
        version: v,
      }));
      return { kind: 'APIGroup', apiVersion: 'v1', name, versions, preferredVersion: versions[0] };
    }
    if (!known.some((r) => r.version === version)) return undefined;
    return resourceList(name, version);
  }
  return undefined;
}
