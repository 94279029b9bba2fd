/**
 * `amlmon silence add|list|expire`: silences in the monitor's own state, the Table in Azure (by connection string
 * or by endpoint with your Entra ID sign-in), Azurite locally, or `amlmon watch`'s state file.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { MonitorState } from '../../shared/state/store.js';
import type { SilenceRecord } from '../../shared/silences/types.js';
import { inputError, usageError } from '../errors.js';

export interface SilenceStorageOptions {
  connectionString?: string;
  tableEndpoint?: string;
  state?: string;
  prefix?: string;
}

export interface SilenceAddOptions extends SilenceStorageOptions {
  workspace?: string;
  cluster?: string;
  namespace?: string;
  service?: string;
  code?: string;
  duration?: string;
  starts?: string;
  until?: string;
  reason?: string;
  by?: string;
  json?: boolean;
}

/** Azurite's well-known development account (public, documented), for `UseDevelopmentStorage=true`. */
const AZURITE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';

export async function openSilenceState(
  opts: SilenceStorageOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MonitorState> {
  const given = [opts.connectionString, opts.tableEndpoint, opts.state].filter((x) => x !== undefined).length;
  if (given > 1) throw usageError('give one of --connection-string, --table-endpoint, --state');
  if (opts.state) {
    const { JsonFileTables } = await import('../../shared/state/memoryTable.js');
    const { TABLE_NAMES } = await import('../../shared/state/store.js');
    const tables = await JsonFileTables.open(opts.state);
    return {
      deployments: tables.table(TABLE_NAMES.deployments),
      deploymentEvents: tables.table(TABLE_NAMES.deploymentEvents),
      incidents: tables.table(TABLE_NAMES.incidents),
      seenEvents: tables.table(TABLE_NAMES.seenEvents),
      sent: tables.table(TABLE_NAMES.sent),
      silences: tables.table(TABLE_NAMES.silences),
    };
  }
  const { azureState } = await import('../../shared/state/azureState.js');
  if (opts.tableEndpoint) {
    if (!/^https:\/\/[^/\s]+\/?$/.test(opts.tableEndpoint))
      throw usageError('--table-endpoint must be https://<account>.table.core.windows.net');
    const { DefaultAzureCredential } = await import('@azure/identity');
    return azureState(
      { tableEndpoint: opts.tableEndpoint, credential: new DefaultAzureCredential() },
      opts.prefix,
    );
  }
  let conn = opts.connectionString ?? env.AzureWebJobsStorage;
  if (!conn)
    throw usageError(
      'where are the silences? give --connection-string (or set AzureWebJobsStorage; UseDevelopmentStorage=true for Azurite), --table-endpoint, or --state FILE',
    );
  if (conn.trim() === 'UseDevelopmentStorage=true') conn = AZURITE;
  return azureState({ connectionString: conn }, opts.prefix);
}

function table(rows: SilenceRecord[], state: (s: SilenceRecord) => string): string {
  if (rows.length === 0) return '(no silences)\n';
  const lines = rows.map((s) => {
    const m = Object.entries(s.matchers)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const end = s.endsAt ?? (s.untilResolved ? 'until resolved' : '-');
    return `${s.id}  ${state(s).padEnd(8)} ${s.kind.padEnd(7)} ${m}  ${s.startsAt} → ${end}  by ${s.createdBy}: ${s.reason}`;
  });
  return `${lines.join('\n')}\n`;
}

export async function runSilenceAdd(opts: SilenceAddOptions, now = new Date()): Promise<string> {
  const { parseSilenceInput } = await import('../../shared/silences/validate.js');
  const parsed = parseSilenceInput(
    {
      workspace: opts.workspace,
      cluster: opts.cluster,
      namespace: opts.namespace,
      service: opts.service,
      code: opts.code,
      reason: opts.reason,
      createdBy: opts.by ?? `${userInfo().username} (amlmon cli)`,
      ...(opts.starts !== undefined ? { startsAt: opts.starts } : {}),
      ...(opts.until !== undefined ? { endsAt: opts.until } : {}),
      ...(opts.duration !== undefined ? { duration: opts.duration } : {}),
    },
    now,
  );
  if (!parsed.ok) throw usageError(parsed.problems.join('; '));
  const state = await openSilenceState(opts);
  const { createSilence } = await import('../../shared/actions/apply.js');
  const s = await createSilence(state, parsed.silence);
  return opts.json
    ? `${JSON.stringify(s, null, 2)}\n`
    : `silence ${s.id} created, ${s.startsAt} → ${s.endsAt ?? ''}\n`;
}

export async function runSilenceList(
  opts: SilenceStorageOptions & { all?: boolean; json?: boolean },
  now = new Date(),
): Promise<string> {
  const state = await openSilenceState(opts);
  const { listSilences } = await import('../../shared/monitor/hold.js');
  const { silenceState } = await import('../../shared/silences/match.js');
  const open = new Set(
    (await state.incidents.list())
      .filter((r) => r.value.resolvedAt === undefined)
      .map((r) => r.value.fingerprint),
  );
  const all = (await listSilences(state)).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const rows = opts.all ? all : all.filter((s) => silenceState(s, now, open) !== 'expired');
  if (opts.json)
    return `${JSON.stringify(
      rows.map((s) => ({ ...s, state: silenceState(s, now, open) })),
      null,
      2,
    )}\n`;
  return table(rows, (s) => silenceState(s, now, open));
}

export async function runSilenceExpire(
  id: string,
  opts: SilenceStorageOptions & { by?: string },
  now = new Date(),
): Promise<string> {
  const state = await openSilenceState(opts);
  const { expireSilence } = await import('../../shared/actions/apply.js');
  const s = await expireSilence(state, id, opts.by ?? `${userInfo().username} (amlmon cli)`, now);
  if (!s) throw inputError(`no silence ${id} (amlmon silence list --all shows them)`);
  return `silence ${id} expired at ${s.expiredAt ?? now.toISOString()}; alerts it held are sent at the next sweep if still failing\n`;
}

function storageOptions(cmd: Command): Command {
  return cmd
    .option(
      '--connection-string <cs>',
      'storage connection string (default: AzureWebJobsStorage; UseDevelopmentStorage=true for Azurite)',
    )
    .option(
      '--table-endpoint <url>',
      'https://<account>.table.core.windows.net, signed in with your Entra ID (az login)',
    )
    .option('--state <file>', 'the state file of amlmon watch')
    .option('--prefix <p>', 'table name prefix (several monitors in one account)');
}

export function register(program: Command): void {
  const silence = program
    .command('silence')
    .description(
      'silence alerts by workspace, cluster, namespace, service or code for a while (the monitor applies them before anything is sent)',
    );
  storageOptions(
    silence
      .command('add')
      .description('create a silence; at least one matcher, a reason and an end')
      .option('--workspace <name>')
      .option('--cluster <name>')
      .option('--namespace <name>')
      .option('--service <name>')
      .option('--code <code>', 'e.g. NodeFailure')
      .option('--duration <d>', 'e.g. 2h, 1d (from now or --starts)')
      .option('--until <time>', 'RFC 3339 end instead of --duration')
      .option('--starts <time>', 'RFC 3339 start (default now)')
      .option('--reason <text>', 'why (required)')
      .option('--by <name>', 'creator (default: your user name)')
      .option('--json', 'print the created silence as JSON'),
  ).action(async (opts: SilenceAddOptions) => {
    process.stdout.write(await runSilenceAdd(opts));
  });
  storageOptions(
    silence
      .command('list')
      .description('active and pending silences (--all: expired ones too)')
      .option('--all')
      .option('--json'),
  ).action(async (opts: SilenceStorageOptions & { all?: boolean; json?: boolean }) => {
    process.stdout.write(await runSilenceList(opts));
  });
  storageOptions(
    silence.command('expire').description('end a silence now').argument('<id>').option('--by <name>'),
  ).action(async (id: string, opts: SilenceStorageOptions & { by?: string }) => {
    process.stdout.write(await runSilenceExpire(id, opts));
  });
}
