/**
 * infra/ checked without Azure: every Bicep file parses (tree-sitter-bicep); names and module wiring hold as
 * `bicep build` would require; and the templates agree with the code on what breaks silently after a successful
 * deployment: role ids and assignments, cluster reads, Event Grid event types and filters, topic regions, secrets,
 * required parameters (app settings: settings.test.ts). Each check is also run on a planted mistake.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import {
  BLOB_CREATED,
  IMAGE_LOG_SUBJECT_PREFIX,
  MODEL_DEPLOYED,
  parseImageLogEvent,
  parseWorkspaceEvent,
} from '../../shared/events/parse.js';
import { ACT_ROUTE } from '../../shared/actions/token.js';
import { syntaxProblems } from './bicep.js';
import {
  checkClusterDataActions,
  checkClusterRole,
  checkDelivery,
  checkModuleWiring,
  checkNames,
  checkRoleAssignments,
  checkRolesBeforeApp,
  checkParameterFile,
  checkRequiredParameters,
  checkRoles,
  checkSecrets,
  checkTopicLocations,
  collectorReads,
  eventRoutes,
  roleModuleList,
  type KnownRole,
  type ParsedFile,
  type RbacRule,
} from './checks.js';
import { INFRA, loadInfra, snippet } from './load.js';

/** Built-in role ids, checked against Microsoft's list of Azure built-in roles. */
const BUILT_IN = 'https://learn.microsoft.com/azure/role-based-access-control/built-in-roles';
const KNOWN_ROLES = new Map<string, KnownRole>([
  [
    'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    { name: 'Storage Blob Data Owner', source: `${BUILT_IN}/storage` },
  ],
  [
    'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    { name: 'Storage Blob Data Contributor', source: `${BUILT_IN}/storage` },
  ],
  [
    '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    { name: 'Storage Blob Data Reader', source: `${BUILT_IN}/storage` },
  ],
  [
    '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    { name: 'Storage Queue Data Contributor', source: `${BUILT_IN}/storage` },
  ],
  [
    '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    { name: 'Storage Table Data Contributor', source: `${BUILT_IN}/storage` },
  ],
  [
    '3913510d-42f4-4e42-8a64-420c390055eb',
    { name: 'Monitoring Metrics Publisher', source: `${BUILT_IN}/monitor` },
  ],
  [
    '4633458b-17de-408a-b874-0445c86b69e6',
    { name: 'Key Vault Secrets User', source: `${BUILT_IN}/security` },
  ],
  [
    '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
    { name: 'Azure Kubernetes Service Cluster User Role', source: `${BUILT_IN}/containers` },
  ],
  // Known so that a swapped id is named, though the templates do not use them.
  [
    '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
    { name: 'Azure Kubernetes Service RBAC Reader', source: `${BUILT_IN}/containers` },
  ],
  ['acdd72a7-3385-48ef-bd42-f606fba81ae7', { name: 'Reader', source: `${BUILT_IN}/general` }],
  ['b24988ac-6180-42a0-ab88-20f7382dd24c', { name: 'Contributor', source: `${BUILT_IN}/general` }],
]);

let files: ParsedFile[] = [];
let main: ParsedFile;
let events: ParsedFile;

beforeAll(async () => {
  ({ files, main, events } = await loadInfra());
});

describe('module wiring (what bicep build would check)', () => {
  const treeOf = (from: string, relativePath: string) =>
    files.find((f) => f.file === path.posix.join(path.posix.dirname(from), relativePath))?.tree;
  const exists = (from: string, relativePath: string): boolean =>
    existsSync(path.posix.join(path.posix.dirname(from), relativePath));

  it('passes every module only the parameters it declares and all it requires, and reads outputs it has', () => {
    expect(checkModuleWiring(files, treeOf, exists)).toEqual([]);
  });

  it('catches a misspelt parameter, a missing required one, an unknown output and a missing file', async () => {
    const callee = await snippet(
      "param name string\nparam tags object = {}\noutput id string = 'x'\n",
      'infra/m.bicep',
    );
    const caller = await snippet(
      [
        "module m 'm.bicep' = {",
        "  name: 'm'",
        "  params: { nmae: 'x' }",
        '}',
        "module gone 'nowhere.bicep' = { name: 'g' }",
        "var r = loadJsonContent('missing.json')",
        'output o string = m.outputs.principalId',
      ].join('\n'),
      'infra/caller.bicep',
    );
    const resolve = (from: string, rel: string) =>
      path.posix.join(path.posix.dirname(from), rel) === 'infra/m.bicep' ? callee.tree : undefined;
    expect(checkModuleWiring([caller], resolve, () => false)).toEqual([
      'infra/caller.bicep: module m passes nmae, which m.bicep does not declare',
      'infra/caller.bicep: module m does not pass name, which m.bicep requires',
      'infra/caller.bicep: module gone points at nowhere.bicep, which does not exist',
      'infra/caller.bicep: m.outputs.principalId is not an output of module m',
      "infra/caller.bicep: loadJsonContent('missing.json') names no file",
    ]);
  });
});

describe('names (what bicep build would check)', () => {
  it('uses only declared names and Bicep functions', () => {
    expect(checkNames(files)).toEqual([]);
  });

  it('catches a misspelt variable, resource, loop variable and function', async () => {
    const planted = await snippet(
      [
        "param names string[] = ['a']",
        "var prefix = 'amlmon'",
        "resource st 'Microsoft.Storage/storageAccounts@2023-05-01' existing = { name: '${prefx}x' }",
        'var ids = [for (n, i) in names: { id: stt.id, n: m }]',
        "var g = subscriptonResourceId('x', 'y')",
        'var ok = map(names, x => toUpper(x))',
      ].join('\n'),
    );
    expect(checkNames([planted])).toEqual([
      'planted.bicep:3: prefx is not declared',
      'planted.bicep:4: stt is not declared',
      'planted.bicep:4: m is not declared',
      'planted.bicep:5: subscriptonResourceId() is not a Bicep function',
    ]);
  });
});

describe('Bicep syntax (tree-sitter-bicep)', () => {
  it('parses every .bicep file under infra/ without ERROR or MISSING nodes', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const problems = files.flatMap((f) =>
      syntaxProblems(f.tree).map((p) => `${f.file}:${p.line}:${p.column} ${p.kind} ${p.text}`),
    );
    expect(problems).toEqual([]);
  });

  it('reports a planted syntax error with its line, and a missing token', async () => {
    const broken = await snippet("param a string\nresource r 'A/b@1' = {\n  name: 'x'\n  location: ]\n}\n");
    expect(syntaxProblems(broken.tree).map((p) => p.line)).toContain(4);
    const unclosed = await snippet("var s = { a: 'x'\n");
    expect(syntaxProblems(unclosed.tree).length).toBeGreaterThan(0);
  });
});

describe('role definitions', () => {
  const builtins = JSON.parse(readFileSync(`${INFRA}/core/security/builtin-roles.json`, 'utf8')) as Record<
    string,
    { id: string; name: string }
  >;

  it('names each built-in role by its real id, and no template writes a role id inline', () => {
    expect(checkRoles(builtins, KNOWN_ROLES, files)).toEqual([]);
  });

  it('catches a swapped id, an unknown id, an inline GUID and an undefined role key', async () => {
    const swapped = {
      ...builtins,
      storageBlobDataReader: { id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', name: 'Storage Blob Data Reader' },
      madeUp: { id: '11111111-2222-3333-4444-555555555555', name: 'Made Up' },
    };
    const inline = await snippet(
      "var r = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'\nvar x = roles.storageBlobDataWriter.id\n",
    );
    expect(checkRoles(swapped, KNOWN_ROLES, [inline])).toEqual([
      'builtin-roles.json: storageBlobDataReader says "Storage Blob Data Reader" but ba92f5b4-2d11-453d-a403-e96b0029c9fe is "Storage Blob Data Contributor"',
      'builtin-roles.json: madeUp has id 11111111-2222-3333-4444-555555555555, which is no built-in role this check knows',
      'planted.bicep: role or other GUID acdd72a7-3385-48ef-bd42-f606fba81ae7 written inline; name built-in roles in builtin-roles.json',
      'planted.bicep: roles.storageBlobDataWriter is not in builtin-roles.json',
    ]);
  });
});

describe('role assignments', () => {
  it('are idempotent, name a service principal, and all exist before the app', () => {
    expect(checkRoleAssignments(files)).toEqual([]);
    expect(checkRolesBeforeApp(main.tree, 'app', 'identity.outputs.principalId')).toEqual([]);
  });

  it('catches a random name, a missing principal type and a role module the app does not wait for', async () => {
    const planted = await snippet(
      [
        "resource a 'Microsoft.Authorization/roleAssignments@2022-04-01' = {",
        '  name: newGuid()',
        "  properties: { principalId: 'p', roleDefinitionId: 'r' }",
        '}',
        "module id 'id.bicep' = { name: 'id' }",
        "module roles 'roles.bicep' = { name: 'roles', params: { principalId: id.outputs.principalId } }",
        "module late 'late.bicep' = { name: 'late', params: { principalId: id.outputs.principalId } }",
        "module app 'app.bicep' = { name: 'app', dependsOn: [roles] }",
      ].join('\n'),
    );
    expect(checkRoleAssignments([planted])).toEqual([
      'planted.bicep: role assignment a is not named guid(scope, principal, role)',
      "planted.bicep: role assignment a has no principalType 'ServicePrincipal'",
    ]);
    expect(checkRolesBeforeApp(planted.tree, 'app', 'id.outputs.principalId')).toEqual([
      'module late grants the app identity a role but app does not depend on it',
    ]);
  });
});

describe('cluster access', () => {
  const collector = readdirSync('shared/cluster')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `shared/cluster/${f}`, text: readFileSync(`shared/cluster/${f}`, 'utf8') }));
  const rbacRules = (): RbacRule[] => {
    const docs = parseAllDocuments(readFileSync(`${INFRA}/rbac.yaml`, 'utf8')).map(
      (d) => d.toJS() as { kind?: string; rules?: RbacRule[] },
    );
    return docs.find((d) => d.kind === 'ClusterRole')?.rules ?? [];
  };

  it('finds the collector reads (pods, logs, events, deployments, replica sets, claims, volumes, config maps, nodes, quotas, namespaces)', () => {
    const { resources, problems } = collectorReads(collector);
    expect(problems).toEqual([]);
    expect([...resources].sort()).toEqual([
      'apps/deployments',
      'apps/replicasets',
      'configmaps',
      'events',
      'namespaces',
      'nodes',
      'persistentvolumeclaims',
      'persistentvolumes',
      'pods',
      'pods/log',
      'resourcequotas',
    ]);
  });

  it('grants exactly those reads with Kubernetes RBAC (infra/rbac.yaml) and Azure RBAC (the custom role)', () => {
    const { resources } = collectorReads(collector);
    expect(checkClusterRole(rbacRules(), resources)).toEqual([]);
    const dataActions = roleModuleList(main.tree, 'clusterReaderRole', 'dataActions');
    expect(dataActions.length).toBeGreaterThan(0);
    expect(checkClusterDataActions(dataActions, resources)).toEqual([]);
  });

  it('catches a read no role grants, a write verb, and a role wider than the reads', () => {
    const { resources, problems } = collectorReads([
      { file: 'planted.ts', text: 'await session.core.readNamespacedSecret({ name, namespace });' },
    ]);
    expect(resources.size).toBe(0);
    expect(problems).toEqual([expect.stringContaining('the collector calls core.readNamespacedSecret')]);
    const reads = new Set(['pods', 'nodes']);
    expect(
      checkClusterRole(
        [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'list', 'watch'] }],
        reads,
      ),
    ).toEqual([
      'rbac.yaml grants watch on pods, secrets',
      'rbac.yaml does not grant nodes, which the collector reads',
      'rbac.yaml grants secrets, which the collector never reads',
    ]);
    expect(
      checkClusterDataActions(
        [
          'Microsoft.ContainerService/managedClusters/pods/read',
          'Microsoft.ContainerService/managedClusters/secrets/read',
          'Microsoft.ContainerService/managedClusters/pods/exec/action',
        ],
        reads,
      ),
    ).toEqual([
      'cluster reader role: Microsoft.ContainerService/managedClusters/pods/exec/action is not a read data action',
      'cluster reader role lacks nodes/read, which the collector reads',
      'cluster reader role grants secrets/read, which the collector never reads',
    ]);
  });
});

describe('Event Grid', () => {
  const registered = (): Set<string> => {
    const names = new Set<string>();
    for (const f of readdirSync('functions').filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(`functions/${f}`, 'utf8');
      for (const m of text.matchAll(/app\.eventGrid\('([^']+)'/g)) names.add(m[1] ?? '');
    }
    return names;
  };

  /** A realistic event of the given type from the given kind of topic. */
  function sampleEvent(kind: string, eventType: string, subjectPrefix: string): unknown {
    const ws = '/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/ws';
    const base = {
      id: 'e1',
      eventType,
      eventTime: '2026-12-03T08:00:00Z',
      dataVersion: '1',
      metadataVersion: '1',
    };
    if (kind === 'storage') {
      const subject = `${subjectPrefix}img-1/build.log`;
      return {
        ...base,
        topic: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/stamlws',
        subject,
        data: {
          url: 'https://stamlws.blob.core.windows.net/azureml/ImageLogs/img-1/build.log',
          contentLength: 10,
        },
      };
    }
    if (kind === 'resourceGroup') {
      const uri = `${ws}/onlineEndpoints/ep/deployments/blue`;
      return {
        ...base,
        topic: '/subscriptions/s/resourceGroups/g',
        subject: uri,
        data: { resourceUri: uri },
      };
    }
    return { ...base, topic: ws, subject: 'endpoints/svc', data: { ServiceName: 'svc' } };
  }

  it('routes each topic kind to a registered function, with event types the function handles', () => {
    const routes = eventRoutes(events.tree);
    expect(routes.map((r) => r.kind).sort()).toEqual(['resourceGroup', 'storage', 'workspace']);
    const functions = registered();
    for (const r of routes) {
      expect(functions, `function ${r.functionName}`).toContain(r.functionName);
      expect(r.includedEventTypes.length).toBeGreaterThan(0);
      for (const type of r.includedEventTypes) {
        const raw = sampleEvent(r.kind, type, r.subjectBeginsWith);
        const parsed = r.kind === 'storage' ? parseImageLogEvent(raw) : parseWorkspaceEvent(raw);
        expect(parsed.ok && parsed.value.kind !== 'ignored', `${r.kind} ${type}`).toBe(true);
      }
    }
    const all = routes.flatMap((r) => r.includedEventTypes);
    expect(all).toEqual(expect.arrayContaining([MODEL_DEPLOYED, BLOB_CREATED]));
  });

  it('filters the storage topic to the image build logs the code reads', () => {
    const storage = eventRoutes(events.tree).find((r) => r.kind === 'storage');
    expect(storage?.includedEventTypes).toEqual([BLOB_CREATED]);
    expect(storage?.subjectBeginsWith).toBe(IMAGE_LOG_SUBJECT_PREFIX);
  });

  it('retries and dead-letters every subscription', () => {
    const sub = files.find((f) => f.file === `${INFRA}/app/event-subscription.bicep`);
    expect(sub).toBeDefined();
    if (sub) expect(checkDelivery(sub.tree)).toEqual([]);
  });

  it('places every system topic in its source region', () => {
    expect(checkTopicLocations(files)).toEqual([]);
  });

  it('catches a topic in the deployment region, a regional resource-group topic, and no retry or dead letters', async () => {
    const planted = await snippet(
      [
        "resource ws 'Microsoft.MachineLearningServices/workspaces@2024-10-01' existing = { name: 'w' }",
        "resource t 'Microsoft.EventGrid/systemTopics@2022-06-15' = {",
        "  name: 't'",
        '  location: resourceGroup().location',
        "  properties: { source: ws.id, topicType: 'Microsoft.MachineLearningServices.Workspaces' }",
        '}',
        "resource g 'Microsoft.EventGrid/systemTopics@2022-06-15' = {",
        "  name: 'g'",
        "  location: 'westeurope'",
        "  properties: { source: resourceGroup().id, topicType: 'Microsoft.Resources.ResourceGroups' }",
        '}',
        "resource s 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {",
        "  name: 't/s'",
        "  properties: { eventDeliverySchema: 'CloudEventSchemaV1_0' }",
        '}',
      ].join('\n'),
    );
    expect(checkTopicLocations([planted])).toEqual([
      "planted.bicep: system topic t: location is resourceGroup().location, not its source's (ws.location)",
      "planted.bicep: system topic g (resource group) must be in location 'global'",
    ]);
    expect(checkDelivery(planted.tree)).toEqual([
      'event subscription has no retry policy',
      'event subscription has no dead-letter destination',
      'event subscription does not deliver the Event Grid schema the functions parse',
    ]);
    const wrongFilter = await snippet(
      "var routes = {\n  storage: {\n    functionName: 'onImageLog'\n    includedEventTypes: ['Microsoft.Storage.BlobCreated']\n    subjectBeginsWith: '/blobServices/default/containers/azureml/blobs/imagelogs/'\n  }\n}\n",
    );
    expect(eventRoutes(wrongFilter.tree)[0]?.subjectBeginsWith).not.toBe(IMAGE_LOG_SUBJECT_PREFIX);
  });
});

describe('app URLs (outputs)', () => {
  const routeVar = (name: string): string | undefined =>
    new RegExp(`^var ${name} = '([^']*)'$`, 'm').exec(main.text)?.[1];
  const httpRoutes = (): Set<string> => {
    const routes = new Set<string>();
    for (const f of readdirSync('functions').filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(`functions/${f}`, 'utf8');
      for (const m of text.matchAll(/app\.http\([^)]*?route: '([^']+)'/gs)) routes.add(m[1] ?? '');
    }
    return routes;
  };

  it('point at the routes the HTTP functions register, under the host route prefix', () => {
    const host = JSON.parse(readFileSync('host.json', 'utf8')) as {
      extensions?: { http?: { routePrefix?: string } };
    };
    expect(routeVar('apiRoutePrefix')).toBe(host.extensions?.http?.routePrefix ?? 'api');
    expect(routeVar('actRoute')).toBe(ACT_ROUTE);
    expect(httpRoutes()).toContain(routeVar('chatRoute'));
    for (const output of ['AMLMON_ACTION_URL', 'AMLMON_CHAT_WEBHOOK_URL', 'AMLMON_API_URL'])
      expect(main.text).toMatch(
        new RegExp(`^output ${output} string = 'https://\\$\\{app\\.outputs\\.defaultHostName\\}/`, 'm'),
      );
  });
});

describe('secrets', () => {
  it('keeps every secret in Key Vault: secure parameters, no keys, no shared-key storage', async () => {
    const json = ['main.parameters.json', 'core/security/builtin-roles.json'].map((f) => {
      const text = readFileSync(`${INFRA}/${f}`, 'utf8');
      return { file: `${INFRA}/${f}`, text, tree: main.tree };
    });
    const hooks = readdirSync(`${INFRA}/hooks`).map((f) => ({
      file: `${INFRA}/hooks/${f}`,
      text: readFileSync(`${INFRA}/hooks/${f}`, 'utf8'),
      tree: main.tree,
    }));
    expect(checkSecrets(files)).toEqual([]);
    // Non-Bicep files are scanned for secret text only.
    expect(checkSecrets([...json, ...hooks].map((f) => ({ ...f, file: `${f.file}.txt` })))).toEqual([]);
  });

  it('catches a plain secret parameter, a secure value in a setting or output, keys and a signed URL', async () => {
    const planted = await snippet(
      [
        "param webhookSecret string = ''",
        "@secure()\nparam teamsWebhookUrl string = ''",
        'var appSettingsX = { TEAMS_WEBHOOK_URL: teamsWebhookUrl }',
        'output leak string = teamsWebhookUrl',
        'var k = storage.listKeys().keys[0].value',
        "var u = 'https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=AbCdEfGhIjKlMnOpQrSt'",
        "resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = { name: 's', properties: { allowSharedKeyAccess: true } }",
      ].join('\n'),
    );
    expect(checkSecrets([planted])).toEqual([
      'planted.bicep: contains what looks like a key, signature or webhook URL',
      'planted.bicep: reads keys (list*) instead of using an identity',
      'planted.bicep: parameter webhookSecret looks like a secret but is not @secure()',
      'planted.bicep:4: secure parameter teamsWebhookUrl is used outside Key Vault (only empty() tests and Key Vault secrets may read it)',
      'planted.bicep: output leak exposes secure parameter teamsWebhookUrl',
      'planted.bicep: storage account storage allows shared-key access',
    ]);
  });
});

describe('parameters', () => {
  const parameterFile = JSON.parse(readFileSync(`${INFRA}/main.parameters.json`, 'utf8')) as {
    parameters: Record<string, unknown>;
  };

  it('refuses no cluster and no channel before anything is created', () => {
    expect(
      checkRequiredParameters(
        main.tree,
        ['clusters', 'environmentName', 'location'],
        ['teamsWebhookUrl', 'webhookUrl', 'emailRecipients'],
      ),
    ).toEqual([]);
  });

  it('gets every parameter without a default from main.parameters.json (azd) or azd generates it', () => {
    expect(checkParameterFile(main.tree, parameterFile)).toEqual([]);
  });

  it('catches an optional cluster list, a channel left out of the check, and an unset parameter', async () => {
    const planted = await snippet(
      [
        'param clusters array = []',
        "param teamsWebhookUrl string = ''",
        "param webhookUrl string = ''",
        'param workspaces array',
        "param hangAfter string = '10m'",
        'var hasChannel = !empty(teamsWebhookUrl)',
        "var problems = hasChannel ? [] : ['no channel']",
        "var validated = empty(problems) ? 'ok' : string(int(join(problems, '; ')))",
        "resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = { name: 'rg', location: 'x' }",
      ].join('\n'),
    );
    expect(checkRequiredParameters(planted.tree, ['clusters'], ['teamsWebhookUrl', 'webhookUrl'])).toEqual([
      'parameter clusters has no @minLength(1)',
      'the channel check does not consider webhookUrl',
      'no resource uses validated, so the checks are never evaluated',
    ]);
    const file = { parameters: { clusters: {}, nope: {}, hangAfter: { value: '${AMLMON_HANG_AFTER=15m}' } } };
    expect(checkParameterFile(planted.tree, file)).toEqual([
      'main.parameters.json sets nope, which main.bicep does not declare',
      'main.parameters.json defaults hangAfter to "15m" but main.bicep to "10m"',
      'parameter workspaces has no default and main.parameters.json does not set it',
    ]);
  });

  it('azure.yaml deploys the service the app is tagged with, and runs the post-deploy hook', () => {
    const azure = parseYaml(readFileSync('azure.yaml', 'utf8')) as {
      services: Record<string, { host: string }>;
      hooks: { postdeploy: { posix: { run: string }; windows: { run: string } } };
    };
    const tagged = /serviceName = '([^']+)'/.exec(main.text)?.[1];
    expect(Object.keys(azure.services)).toEqual([tagged]);
    expect(azure.services[tagged ?? '']?.host).toBe('function');
    expect(azure.hooks.postdeploy.posix.run).toBe('./infra/hooks/postdeploy.sh');
    expect(azure.hooks.postdeploy.windows.run).toBe('./infra/hooks/postdeploy.ps1');
  });
});
