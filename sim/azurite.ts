/**
 * Starts and stops Azurite (blob + queue + table) from node_modules on free loopback ports, in memory.
 * Used by the tests and by `amlmon simulate` at run time, so it must not import vitest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The well-known Azurite development account (public, documented; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteInstance {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** A full connection string naming all three endpoints. */
  connectionString: string;
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** In-memory extent limit in MB (large enough for a 200 MB test blob). */
  memoryLimitMb?: number;
  /** Give up when the three services have not announced their ports by then. */
  timeoutMs?: number;
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/;

function azuriteEntryPoint(): string {
  const require = createRequire(import.meta.url);
  // The package's `main` is the VS Code extension; the CLI entry point lives in dist/src.
  return join(require.resolve('azurite/package.json'), '..', 'dist', 'src', 'azurite.js');
}

export async function startAzurite(opts: StartAzuriteOptions = {}): Promise<AzuriteInstance> {
  const workDir = await mkdtemp(join(tmpdir(), 'amlmon-azurite-'));
  const args = [
    azuriteEntryPoint(),
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    '0',
    '--queueHost',
    '127.0.0.1',
    '--queuePort',
    '0',
    '--tableHost',
    '127.0.0.1',
    '--tablePort',
    '0',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--inMemoryPersistence',
    '--silent',
    '--extentMemoryLimit',
    String(opts.memoryLimitMb ?? 1024),
  ];
  // cwd is a temp dir: Azurite writes its debug/extent files there, never into the project.
  // Spawned with node directly, never via npx: killing npx would leave Azurite running.
  // Azurite's module graph is large; Node's compile cache (22.1+) roughly halves its start-up after the first run.
  const env = {
    ...process.env,
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'amlmon-node-compile-cache'),
  };
  const child = spawn(process.execPath, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const endpoints = new Map<string, string>();
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`Azurite did not start within ${opts.timeoutMs ?? 30_000} ms: ${output.slice(-500)}`),
          ),
        opts.timeoutMs ?? 30_000,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        for (const line of output.split('\n')) {
          const m = LISTENING.exec(line);
          if (m?.[1] && m[2]) endpoints.set(m[1], m[2]);
        }
        if (endpoints.size === 3) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new Error(`Azurite exited with code ${String(code)} before it was ready: ${output.slice(-500)}`),
        );
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  } catch (err) {
    await stopChild(child);
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
  const blob = `${endpoints.get('Blob') ?? ''}/${AZURITE_ACCOUNT}`;
  const queue = `${endpoints.get('Queue') ?? ''}/${AZURITE_ACCOUNT}`;
  const table = `${endpoints.get('Table') ?? ''}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint: blob,
    queueEndpoint: queue,
    tableEndpoint: table,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=${blob};QueueEndpoint=${queue};TableEndpoint=${table};`,
    stop: async () => {
      await stopChild(child);
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
