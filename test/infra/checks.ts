/**
 * The checks of infra/ that catch what deploys fine and then breaks silently. Each takes parsed templates (and what
 * the code says) and returns problems as sentences; an empty list means the check passed. The tests run them on the
 * real templates and on small planted mistakes, so every check is shown to be able to fail.
 */
import {
  body,
  declarations,
  isExisting,
  literal,
  properties,
  propertyPath,
  resourceType,
  valueOf,
  type Declaration,
  type Node,
  type Tree,
} from './bicep.js';

export interface ParsedFile {
  file: string;
  text: string;
  tree: Tree;
}

// ------------------------------------------------------------------------------------------------------------------
// App settings
// ------------------------------------------------------------------------------------------------------------------

/** Settings the template sets: the keys of every object in a `var appSettings*` declaration. */
export function templateSettings(files: readonly ParsedFile[]): Map<string, { file: string; value: Node }> {
  const out = new Map<string, { file: string; value: Node }>();
  for (const f of files) {
    for (const d of declarations(f.tree)) {
      if (d.kind !== 'variable_declaration' || !d.name.startsWith('appSettings')) continue;
      for (const obj of [d.node, ...d.node.descendantsOfType('object')]) {
        if (obj.type !== 'object') continue;
        for (const [key, value] of properties(obj)) out.set(key, { file: f.file, value });
      }
    }
  }
  return out;
}

export interface CodeSetting {
  name: string;
  /** shared/config's group; 'platform' settings are set by Azure Functions itself, never by the deployment. */
  group?: string;
  default?: string;
  secret?: boolean;
  required?: boolean;
}

export interface SettingsPolicy {
  /** Read by the Functions host or platform, not by the app's code. */
  host: ReadonlyMap<string, string>;
  /** Read by the code but deliberately not set in Azure, with the reason. */
  notInAzure: ReadonlyMap<string, string>;
}

/** Parameter defaults that are plain string literals, by parameter name. */
export function parameterDefaults(tree: Tree): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of declarations(tree)) {
    if (d.kind !== 'parameter_declaration') continue;
    const v = literal(valueOf(d));
    if (v !== undefined) out.set(d.name, v);
  }
  return out;
}

function isKeyVaultReference(value: Node): boolean {
  if (value.type === 'call_expression') {
    return value.childForFieldName('function')?.text === 'keyVaultReference';
  }
  return value.type === 'string' && value.text.includes('@Microsoft.KeyVault(');
}

export function checkSettings(
  set: ReadonlyMap<string, { file: string; value: Node }>,
  code: readonly CodeSetting[],
  defaults: ReadonlyMap<string, string>,
  policy: SettingsPolicy,
): string[] {
  const problems: string[] = [];
  const byName = new Map(code.map((s) => [s.name, s]));
  for (const [name, { file, value }] of set) {
    const spec = byName.get(name);
    if (!spec && !policy.host.has(name)) {
      problems.push(
        `${file}: app setting ${name} is set, but no code reads it (misspelt, or not in shared/config)`,
      );
      continue;
    }
    if (spec?.group === 'platform') {
      problems.push(
        `${file}: app setting ${name} is set by the Functions platform; the template must not set it`,
      );
      continue;
    }
    if (spec?.secret && !isKeyVaultReference(value)) {
      problems.push(`${file}: app setting ${name} holds a secret but is not a Key Vault reference`);
    }
    if (spec?.default !== undefined && value.type === 'identifier') {
      const given = defaults.get(value.text);
      if (given !== undefined && given !== spec.default) {
        problems.push(
          `${file}: app setting ${name} defaults to "${given}" (parameter ${value.text}) but the code's default is "${spec.default}"`,
        );
      }
    }
  }
  for (const spec of code) {
    if (set.has(spec.name) || spec.group === 'platform') continue;
    if (spec.required) {
      problems.push(`app setting ${spec.name} is required by the code but the template does not set it`);
    } else if (!policy.notInAzure.has(spec.name)) {
      problems.push(
        `app setting ${spec.name} is read by the code but the template neither sets it nor says why it is not needed in Azure`,
      );
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------------------------
// Role definitions
// ------------------------------------------------------------------------------------------------------------------

export interface KnownRole {
  name: string;
  /** Where the id was checked. */
  source: string;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const PLACEHOLDER_GUID = '00000000-0000-0000-0000-000000000000';

/**
 * Built-in roles are named once, in builtin-roles.json, by id and display name; each must be the role the table of
 * known ids says it is, and no template may carry a role GUID of its own.
 */
export function checkRoles(
  builtins: Record<string, { id: string; name: string }>,
  known: ReadonlyMap<string, KnownRole>,
  files: readonly ParsedFile[],
): string[] {
  const problems: string[] = [];
  for (const [key, role] of Object.entries(builtins)) {
    const k = known.get(role.id.toLowerCase());
    if (!k)
      problems.push(
        `builtin-roles.json: ${key} has id ${role.id}, which is no built-in role this check knows`,
      );
    else if (k.name !== role.name)
      problems.push(`builtin-roles.json: ${key} says "${role.name}" but ${role.id} is "${k.name}"`);
  }
  for (const f of files) {
    for (const m of f.text.matchAll(GUID)) {
      if (m[0] !== PLACEHOLDER_GUID)
        problems.push(
          `${f.file}: role or other GUID ${m[0]} written inline; name built-in roles in builtin-roles.json`,
        );
    }
    for (const m of f.text.matchAll(/(?<![\w-])roles\.([A-Za-z0-9_]+)\b/g)) {
      const key = m[1] ?? '';
      if (!(key in builtins)) problems.push(`${f.file}: roles.${key} is not in builtin-roles.json`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------------------------
// Cluster access: the collector's reads, the Kubernetes ClusterRole and the Azure custom role grant the same things
// ------------------------------------------------------------------------------------------------------------------

/** Kubernetes client methods the collector calls → the resource each reads (`group/resource`, core group empty). */
export const CLIENT_METHOD_RESOURCES: Readonly<Record<string, string>> = {
  readNamespacedDeployment: 'apps/deployments',
  listDeploymentForAllNamespaces: 'apps/deployments',
  listNamespacedDeployment: 'apps/deployments',
  listNamespacedReplicaSet: 'apps/replicasets',
  listNamespacedEvent: 'events',
  listNamespacedPod: 'pods',
  readNamespacedPod: 'pods',
  readNamespacedPodLog: 'pods/log',
  listNamespacedResourceQuota: 'resourcequotas',
  listNode: 'nodes',
  readNode: 'nodes',
  listPersistentVolume: 'persistentvolumes',
  readPersistentVolume: 'persistentvolumes',
  readNamespacedPersistentVolumeClaim: 'persistentvolumeclaims',
  listNamespacedPersistentVolumeClaim: 'persistentvolumeclaims',
  readNamespacedConfigMap: 'configmaps',
  listNamespace: 'namespaces',
  readNamespace: 'namespaces',
};

/** What the collector's source reads, from its `session.core.*` / `session.apps.*` calls. */
export function collectorReads(sources: readonly { file: string; text: string }[]): {
  resources: Set<string>;
  problems: string[];
} {
  const resources = new Set<string>();
  const problems: string[] = [];
  for (const s of sources) {
    for (const m of s.text.matchAll(/\bsession\.(core|apps)\.([A-Za-z]+)\(/g)) {
      const method = m[2] ?? '';
      const resource = CLIENT_METHOD_RESOURCES[method];
      if (resource) resources.add(resource);
      else
        problems.push(
          `${s.file}: the collector calls ${m[1]}.${method}, which no role grants (add it to CLIENT_METHOD_RESOURCES, infra/rbac.yaml and the cluster reader role)`,
        );
    }
  }
  return { resources, problems };
}

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The Kubernetes ClusterRole grants exactly the reads (get, list; never secrets or writes). */
export function checkClusterRole(rules: readonly RbacRule[], reads: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const granted = new Set<string>();
  for (const r of rules) {
    const bad = r.verbs.filter((v) => v !== 'get' && v !== 'list');
    if (bad.length > 0) problems.push(`rbac.yaml grants ${bad.join(', ')} on ${r.resources.join(', ')}`);
    for (const g of r.apiGroups) {
      for (const res of r.resources) {
        const name = g === '' ? res : `${g}/${res}`;
        if (!r.verbs.includes('get') || !r.verbs.includes('list'))
          problems.push(`rbac.yaml: ${name} lacks get or list`);
        granted.add(name);
      }
    }
  }
  for (const res of reads)
    if (!granted.has(res)) problems.push(`rbac.yaml does not grant ${res}, which the collector reads`);
  for (const res of granted)
    if (!reads.has(res)) problems.push(`rbac.yaml grants ${res}, which the collector never reads`);
  return problems;
}

const AKS_DATA_ACTION = /^Microsoft\.ContainerService\/managedClusters\/(.+)\/read$/;

/** The Azure RBAC custom role grants exactly the reads, as `Microsoft.ContainerService/managedClusters/<r>/read`. */
export function checkClusterDataActions(
  dataActions: readonly string[],
  reads: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const granted = new Set<string>();
  for (const a of dataActions) {
    const m = AKS_DATA_ACTION.exec(a);
    if (!m?.[1]) problems.push(`cluster reader role: ${a} is not a read data action`);
    else granted.add(m[1]);
  }
  for (const res of reads)
    if (!granted.has(res)) problems.push(`cluster reader role lacks ${res}/read, which the collector reads`);
  for (const res of granted)
    if (!reads.has(res))
      problems.push(`cluster reader role grants ${res}/read, which the collector never reads`);
  return problems;
}

/** The `dataActions` (or `actions`) array passed to the role-definition module named `moduleName`. */
export function roleModuleList(tree: Tree, moduleName: string, list: 'dataActions' | 'actions'): string[] {
  const decl = declarations(tree).find((d) => d.kind === 'module_declaration' && d.name === moduleName);
  const arr = decl ? propertyPath(body(decl), 'params', list) : undefined;
  if (!arr || arr.type !== 'array') return [];
  return arr.namedChildren.map((n) => literal(n) ?? n.text);
}

// ------------------------------------------------------------------------------------------------------------------
// Event Grid
// ------------------------------------------------------------------------------------------------------------------

export interface Route {
  kind: string;
  functionName: string;
  includedEventTypes: string[];
  subjectBeginsWith: string;
}

/** The `routes` variable of events.bicep: topic kind → function, event types and subject filter. */
export function eventRoutes(tree: Tree): Route[] {
  const decl = declarations(tree).find((d) => d.kind === 'variable_declaration' && d.name === 'routes');
  const obj = decl ? valueOf(decl) : undefined;
  if (!obj || obj.type !== 'object') return [];
  return [...properties(obj)].map(([kind, route]) => {
    const p = route.type === 'object' ? properties(route) : new Map<string, Node>();
    const types = p.get('includedEventTypes');
    return {
      kind,
      functionName: literal(p.get('functionName')) ?? '',
      includedEventTypes: types?.type === 'array' ? types.namedChildren.map((n) => literal(n) ?? n.text) : [],
      subjectBeginsWith: literal(p.get('subjectBeginsWith')) ?? '',
    };
  });
}

/** The subscription resource of event-subscription.bicep retries and dead-letters. */
export function checkDelivery(tree: Tree): string[] {
  const problems: string[] = [];
  const sub = declarations(tree).find(
    (d) => d.kind === 'resource_declaration' && (resourceType(d) ?? '').includes('/eventSubscriptions@'),
  );
  const props = sub ? propertyPath(body(sub), 'properties') : undefined;
  if (!props) return ['no event subscription resource'];
  if (!propertyPath(props, 'retryPolicy', 'maxDeliveryAttempts'))
    problems.push('event subscription has no retry policy');
  const dl =
    propertyPath(props, 'deadLetterWithResourceIdentity', 'deadLetterDestination') ??
    propertyPath(props, 'deadLetterDestination');
  if (!dl) problems.push('event subscription has no dead-letter destination');
  if (literal(propertyPath(props, 'eventDeliverySchema')) !== 'EventGridSchema')
    problems.push('event subscription does not deliver the Event Grid schema the functions parse');
  return problems;
}

/**
 * Every system topic the templates create lies in its source's region: `location: <src>.location` where the topic's
 * `source` is `<src>.id` and `<src>` is an existing resource; resource-group topics are global.
 */
export function checkTopicLocations(files: readonly ParsedFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const decls = declarations(f.tree);
    for (const d of decls) {
      if (d.kind !== 'resource_declaration' || isExisting(d)) continue;
      if (!(resourceType(d) ?? '').startsWith('Microsoft.EventGrid/systemTopics@')) continue;
      const b = body(d);
      const location = propertyPath(b, 'location');
      const source = propertyPath(b, 'properties', 'source');
      const topicType = literal(propertyPath(b, 'properties', 'topicType'));
      const where = `${f.file}: system topic ${d.name}`;
      if (topicType === 'Microsoft.Resources.ResourceGroups') {
        if (literal(location) !== 'global')
          problems.push(`${where} (resource group) must be in location 'global'`);
        continue;
      }
      const src =
        source?.type === 'member_expression' && source.text.endsWith('.id') ? source.text.slice(0, -3) : '';
      if (!src) {
        problems.push(`${where}: source is not <resource>.id`);
        continue;
      }
      if (location?.text !== `${src}.location`)
        problems.push(
          `${where}: location is ${location?.text ?? 'missing'}, not its source's (${src}.location)`,
        );
      if (!decls.some((x: Declaration) => x.kind === 'resource_declaration' && x.name === src))
        problems.push(`${where}: source ${src} is not a resource of this file`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------------------------
// Secrets
// ------------------------------------------------------------------------------------------------------------------

const SECRET_NAME = /(url|secret|key|token|password|connection)/i;
const NOT_SECRET_NAME = /(Id|Ids|Name|Names|Endpoint)$/;
/** Secret values, not words about them: a signature, an account or access key, a PEM block, a real webhook URL. */
const SECRET_TEXT =
  /(sig=[A-Za-z0-9%]{16,}|AccountKey=[A-Za-z0-9+/]{16,}|accesskey=[A-Za-z0-9+/]{16,}|SharedAccessSignature=|-----BEGIN|InstrumentationKey=[0-9a-f]{8}|https:\/\/[^\s'"]*\.logic\.azure\.com|https:\/\/[^\s'"]*\.webhook\.office\.com)/i;
const KEY_CALLS =
  /\b(listKeys|listkeys|listSecrets|listConnectionStrings|listCredentials|listAccountSas)\s*\(/;

/** No secret in plain text: secret-named parameters are @secure, secure values flow only into Key Vault. */
export function checkSecrets(files: readonly ParsedFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    if (SECRET_TEXT.test(f.text))
      problems.push(`${f.file}: contains what looks like a key, signature or webhook URL`);
    if (KEY_CALLS.test(f.text)) problems.push(`${f.file}: reads keys (list*) instead of using an identity`);
    if (!f.file.endsWith('.bicep')) continue;
    const decls = declarations(f.tree);
    const secure = new Set<string>();
    for (const d of decls) {
      if (d.kind !== 'parameter_declaration') continue;
      const isSecure = d.decorators.has('secure');
      if (isSecure) secure.add(d.name);
      else if (SECRET_NAME.test(d.name) && !NOT_SECRET_NAME.test(d.name))
        problems.push(`${f.file}: parameter ${d.name} looks like a secret but is not @secure()`);
    }
    for (const d of decls) {
      if (d.kind === 'parameter_declaration') continue;
      for (const id of d.node.descendantsOfType('identifier')) {
        if (!secure.has(id.text)) continue;
        // An object key that happens to share the name is no reference.
        if (id.parent?.type === 'object_property' && id.parent.namedChildren[0]?.id === id.id) continue;
        if (d.kind === 'output_declaration') {
          problems.push(`${f.file}: output ${d.name} exposes secure parameter ${id.text}`);
          continue;
        }
        if (!secureUseAllowed(id))
          problems.push(
            `${f.file}:${id.startPosition.row + 1}: secure parameter ${id.text} is used outside Key Vault (only empty() tests and Key Vault secrets may read it)`,
          );
      }
    }
    for (const d of decls) {
      if (d.kind !== 'resource_declaration' || isExisting(d)) continue;
      if (!(resourceType(d) ?? '').startsWith('Microsoft.Storage/storageAccounts@')) continue;
      if (propertyPath(body(d), 'properties', 'allowSharedKeyAccess')?.text !== 'false')
        problems.push(`${f.file}: storage account ${d.name} allows shared-key access`);
    }
  }
  return problems;
}

/** A secure value may be tested with empty(), or passed into a Key Vault secret (module `secrets:` or `value:`). */
function secureUseAllowed(id: Node): boolean {
  for (let n: Node | null = id.parent; n; n = n.parent) {
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text === 'empty') return true;
    if (n.type === 'object_property') {
      const key = n.namedChildren[0]?.text;
      if (key === 'secrets') return true;
    }
    if (
      n.type === 'resource_declaration' &&
      (literal(n.namedChildren.find((c) => c.type === 'string')) ?? '').startsWith(
        'Microsoft.KeyVault/vaults/secrets@',
      )
    )
      return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------------------------------
// Parameters
// ------------------------------------------------------------------------------------------------------------------

function decoratorNumber(d: Declaration, name: string): number | undefined {
  const arg = d.decorators.get(name)?.[0];
  return arg?.type === 'number' ? Number(arg.text) : undefined;
}

/**
 * Parameters that must not be empty are refused when empty: `@minLength(1)` on the named ones, and the channel check
 * (at least one of the channel parameters) wired into a resource so that it is evaluated before anything is created.
 */
export function checkRequiredParameters(
  tree: Tree,
  mustNotBeEmpty: readonly string[],
  channelParameters: readonly string[],
): string[] {
  const problems: string[] = [];
  const decls = declarations(tree);
  for (const name of mustNotBeEmpty) {
    const d = decls.find((x) => x.kind === 'parameter_declaration' && x.name === name);
    if (!d) problems.push(`parameter ${name} is missing`);
    else if ((decoratorNumber(d, 'minLength') ?? 0) < 1)
      problems.push(`parameter ${name} has no @minLength(1)`);
    else if (d.node.namedChildren.length >= 3)
      problems.push(`parameter ${name} has a default, so it is never required`);
  }
  // The channel check: a variable that fails the deployment when no channel parameter is set, used by a resource.
  const validated = decls.find((d) => d.kind === 'variable_declaration' && d.name === 'validated');
  const problemsVar = decls.find((d) => d.kind === 'variable_declaration' && d.name === 'problems');
  if (!validated || !problemsVar) return [...problems, 'no validation variables (problems, validated)'];
  if (!/\bint\(/.test(validated.node.text))
    problems.push('validated does not fail the deployment on problems');
  const hasChannel = decls.find((d) => d.kind === 'variable_declaration' && d.name === 'hasChannel');
  const channelText = `${hasChannel?.node.text ?? ''} ${decls.find((d) => d.name === 'emailEnabled')?.node.text ?? ''}`;
  for (const p of channelParameters)
    if (!channelText.includes(p)) problems.push(`the channel check does not consider ${p}`);
  if (!problemsVar.node.text.includes('hasChannel'))
    problems.push('problems does not include the channel check');
  const used = decls.some(
    (d) =>
      d.kind === 'resource_declaration' &&
      d.node.descendantsOfType('identifier').some((i) => i.text === 'validated'),
  );
  if (!used) problems.push('no resource uses validated, so the checks are never evaluated');
  return problems;
}

/** Every parameter without a default is supplied by main.parameters.json (or generated by azd); no unknown ones. */
export function checkParameterFile(
  tree: Tree,
  parameterFile: { parameters: Record<string, unknown> },
): string[] {
  const problems: string[] = [];
  const decls = declarations(tree).filter((d) => d.kind === 'parameter_declaration');
  const names = new Set(decls.map((d) => d.name));
  for (const name of Object.keys(parameterFile.parameters))
    if (!names.has(name))
      problems.push(`main.parameters.json sets ${name}, which main.bicep does not declare`);
  // A `${VAR=default}` in the parameter file overrides the template's default: the two must agree.
  for (const [name, given] of Object.entries(parameterFile.parameters)) {
    const value = (given as { value?: unknown }).value;
    const m = typeof value === 'string' ? /^\$\{[A-Za-z_][A-Za-z0-9_]*=([^}]*)\}$/.exec(value) : null;
    const d = decls.find((x) => x.name === name);
    const templateDefault = d ? literal(valueOf(d)) : undefined;
    if (
      m &&
      templateDefault !== undefined &&
      d &&
      d.node.namedChildren.length >= 3 &&
      m[1] !== templateDefault
    )
      problems.push(
        `main.parameters.json defaults ${name} to "${m[1]}" but main.bicep to "${templateDefault}"`,
      );
  }
  for (const d of decls) {
    const hasDefault = d.node.namedChildren.length >= 3;
    const generated = d.decorators.get('metadata')?.[0]?.text.includes("type: 'generate'") ?? false;
    if (!hasDefault && !generated && !(d.name in parameterFile.parameters))
      problems.push(`parameter ${d.name} has no default and main.parameters.json does not set it`);
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------------------------
// Modules: what a compiler would say about the wiring between files
// ------------------------------------------------------------------------------------------------------------------

export interface ModuleInterface {
  params: Map<string, { required: boolean }>;
  outputs: Set<string>;
}

export function moduleInterface(tree: Tree): ModuleInterface {
  const params = new Map<string, { required: boolean }>();
  const outputs = new Set<string>();
  for (const d of declarations(tree)) {
    if (d.kind === 'parameter_declaration') {
      const typeText = d.node.namedChildren[1]?.text ?? '';
      params.set(d.name, { required: d.node.namedChildren.length < 3 && !typeText.endsWith('?') });
    }
    if (d.kind === 'output_declaration') outputs.add(d.name);
  }
  return { params, outputs };
}

/**
 * Every module call passes only parameters the module declares and every parameter it requires, every
 * `<module>.outputs.<name>` names an output the module has, and every module and loadJsonContent path exists.
 * `resolve` maps a path relative to the calling file to that file's parsed tree, or undefined when it is missing.
 */
export function checkModuleWiring(
  files: readonly ParsedFile[],
  resolve: (from: string, relativePath: string) => Tree | undefined,
  exists: (from: string, relativePath: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const modules = new Map<string, ModuleInterface>();
    for (const d of declarations(f.tree)) {
      if (d.kind !== 'module_declaration') continue;
      const target = literal(d.node.namedChildren.find((c) => c.type === 'string'));
      if (target === undefined) continue;
      const tree = resolve(f.file, target);
      if (!tree) {
        problems.push(`${f.file}: module ${d.name} points at ${target}, which does not exist`);
        continue;
      }
      const api = moduleInterface(tree);
      modules.set(d.name, api);
      const params = propertyPath(body(d), 'params');
      const given = params?.type === 'object' ? [...properties(params).keys()] : [];
      for (const p of given)
        if (!api.params.has(p))
          problems.push(`${f.file}: module ${d.name} passes ${p}, which ${target} does not declare`);
      for (const [p, { required }] of api.params)
        if (required && !given.includes(p))
          problems.push(`${f.file}: module ${d.name} does not pass ${p}, which ${target} requires`);
    }
    for (const m of f.text.matchAll(
      /\b([A-Za-z_][A-Za-z0-9_]*)(?:!|\[[^\]]+\])?\.outputs\.([A-Za-z_][A-Za-z0-9_]*)/g,
    )) {
      const api = modules.get(m[1] ?? '');
      if (api && !api.outputs.has(m[2] ?? ''))
        problems.push(`${f.file}: ${m[1]}.outputs.${m[2]} is not an output of module ${m[1]}`);
    }
    for (const m of f.text.matchAll(/loadJsonContent\('([^']+)'\)/g)) {
      if (!exists(f.file, m[1] ?? '')) problems.push(`${f.file}: loadJsonContent('${m[1]}') names no file`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------------------------
// Names: every identifier a template uses is declared, every function it calls exists
// ------------------------------------------------------------------------------------------------------------------

/** Bicep's functions and the ones this repository's templates may call (https://aka.ms/bicep/functions). */
export const BICEP_FUNCTIONS = new Set([
  // scope
  'deployer',
  'deployment',
  'environment',
  'managementGroup',
  'resourceGroup',
  'subscription',
  'tenant',
  // resource
  'extensionResourceId',
  'managementGroupResourceId',
  'pickZones',
  'providers',
  'reference',
  'resourceId',
  'subscriptionResourceId',
  'tenantResourceId',
  'listKeys',
  'listSecrets',
  // string
  'base64',
  'base64ToJson',
  'base64ToString',
  'dataUri',
  'dataUriToString',
  'endsWith',
  'format',
  'guid',
  'indexOf',
  'lastIndexOf',
  'newGuid',
  'padLeft',
  'replace',
  'split',
  'startsWith',
  'string',
  'substring',
  'toLower',
  'toUpper',
  'trim',
  'uniqueString',
  'uri',
  'uriComponent',
  'uriComponentToString',
  // array, object, logic, numeric
  'array',
  'concat',
  'contains',
  'empty',
  'first',
  'flatten',
  'indexOf',
  'intersection',
  'items',
  'join',
  'last',
  'length',
  'max',
  'min',
  'range',
  'skip',
  'take',
  'union',
  'filter',
  'map',
  'mapValues',
  'reduce',
  'sort',
  'toObject',
  'groupBy',
  'objectKeys',
  'shallowMerge',
  'tryGet',
  'json',
  'bool',
  'int',
  'any',
  'coalesce',
  'dateTimeAdd',
  'dateTimeFromEpoch',
  'dateTimeToEpoch',
  'utcNow',
  'loadJsonContent',
  'loadTextContent',
  'loadFileAsBase64',
  'loadYamlContent',
  'fail',
]);

function identifierDeclarations(tree: Tree): Set<string> {
  const declared = new Set<string>(['az', 'sys']);
  const visit = (n: Node): void => {
    switch (n.type) {
      case 'parameter_declaration':
      case 'variable_declaration':
      case 'resource_declaration':
      case 'module_declaration':
      case 'output_declaration':
      case 'type_declaration':
      case 'user_defined_function':
      case 'parameter': {
        const name = n.childForFieldName('name') ?? n.namedChildren.find((c) => c.type === 'identifier');
        if (name) declared.add(name.text);
        break;
      }
      case 'lambda_expression': {
        const params = n.namedChildren[0];
        if (params?.type === 'identifier') declared.add(params.text);
        if (params?.type === 'parenthesized_expression')
          for (const p of params.namedChildren) if (p.type === 'identifier') declared.add(p.text);
        break;
      }
      case 'for_statement': {
        const init = n.childForFieldName('initializer');
        if (init) declared.add(init.text);
        break;
      }
      case 'loop_variable':
      case 'loop_enumerator':
        declared.add(n.text);
        break;
    }
    for (const c of n.namedChildren) visit(c);
  };
  visit(tree.rootNode);
  return declared;
}

/** True when this identifier names something being declared, a key, a type or a nested resource, not a value. */
function isDeclarationSite(id: Node): boolean {
  const parent = id.parent;
  if (!parent) return true;
  const first = parent.namedChildren[0];
  const isFirst = first?.id === id.id;
  if (isFirst && /_declaration$|^user_defined_function$|^parameter$|^object_property$/.test(parent.type))
    return true;
  if (parent.type === 'user_defined_function' && parent.childForFieldName('name')?.id === id.id) return true;
  if (parent.type === 'for_statement' && parent.childForFieldName('initializer')?.id === id.id) return true;
  if (parent.type === 'resource_expression' && parent.childForFieldName('resource')?.id === id.id)
    return true;
  if (parent.type === 'lambda_expression' && isFirst) return true;
  if (
    parent.type === 'parenthesized_expression' &&
    parent.parent?.type === 'lambda_expression' &&
    parent.parent.namedChildren[0]?.id === parent.id
  )
    return true;
  for (let n: Node | null = parent; n; n = n.parent) {
    if (n.type === 'type' || n.type === 'decorators' || n.type === 'type_declaration') return true;
  }
  return false;
}

function insideDecorator(id: Node): boolean {
  for (let n: Node | null = id.parent; n; n = n.parent)
    if (n.type === 'decorators' || n.type === 'decorator') return true;
  return false;
}

/** What `bicep build` would call an unknown symbol or function (BCP057, BCP082). */
export function checkNames(files: readonly ParsedFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const declared = identifierDeclarations(f.tree);
    for (const id of f.tree.rootNode.descendantsOfType('identifier')) {
      const parent = id.parent;
      const where = `${f.file}:${id.startPosition.row + 1}`;
      if (insideDecorator(id)) continue;
      if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === id.id) {
        if (!BICEP_FUNCTIONS.has(id.text) && !declared.has(id.text))
          problems.push(`${where}: ${id.text}() is not a Bicep function`);
        continue;
      }
      if (isDeclarationSite(id)) continue;
      if (!declared.has(id.text)) problems.push(`${where}: ${id.text} is not declared`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------------------------
// Role assignments: idempotent, and all in place before the app starts
// ------------------------------------------------------------------------------------------------------------------

/**
 * Every role assignment has a deterministic name (guid(...) of scope, principal and role: a re-deployment updates it
 * instead of failing with RoleAssignmentExists) and says its principal is a service principal (so a just-created
 * identity is not looked up in a directory that has not replicated it yet).
 */
export function checkRoleAssignments(files: readonly ParsedFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    for (const d of declarations(f.tree)) {
      if (d.kind !== 'resource_declaration' || isExisting(d)) continue;
      if (!(resourceType(d) ?? '').startsWith('Microsoft.Authorization/roleAssignments@')) continue;
      const b = body(d);
      const name = propertyPath(b, 'name');
      if (name?.type !== 'call_expression' || name.childForFieldName('function')?.text !== 'guid')
        problems.push(`${f.file}: role assignment ${d.name} is not named guid(scope, principal, role)`);
      if (literal(propertyPath(b, 'properties', 'principalType')) !== 'ServicePrincipal')
        problems.push(`${f.file}: role assignment ${d.name} has no principalType 'ServicePrincipal'`);
    }
  }
  return problems;
}

/** Every module that grants the app identity a role (passes `principalId: <identity>`) is in the app's dependsOn. */
export function checkRolesBeforeApp(tree: Tree, appModule: string, identityPrincipal: string): string[] {
  const decls = declarations(tree);
  const app = decls.find((d) => d.kind === 'module_declaration' && d.name === appModule);
  if (!app) return [`no module ${appModule}`];
  const dependsOn = propertyPath(body(app), 'dependsOn');
  const waited = new Set(dependsOn?.type === 'array' ? dependsOn.namedChildren.map((n) => n.text) : []);
  const problems: string[] = [];
  for (const d of decls) {
    if (d.kind !== 'module_declaration' || d.name === appModule) continue;
    if (propertyPath(body(d), 'params', 'principalId')?.text !== identityPrincipal) continue;
    if (!waited.has(d.name))
      problems.push(`module ${d.name} grants the app identity a role but ${appModule} does not depend on it`);
  }
  return problems;
}
