#!/usr/bin/env node
/** `amlmon`: the diagnosis engine and the monitor from a terminal (docs/CONTRACT.md §4). */
import { Command, CommanderError } from 'commander';
import { CliError, EXIT_USAGE } from './errors.js';
import { register as registerBuildlog } from './commands/buildlog.js';
import { register as registerCapture } from './commands/capture.js';
import { register as registerDiagnose } from './commands/diagnose.js';
import { register as registerSilence } from './commands/silence.js';
import { register as registerSimulate } from './commands/simulate.js';
import { register as registerWatch } from './commands/watch.js';
import { terminalText } from '../shared/text/redact.js';

export function buildProgram(): Command {
  const program = new Command('amlmon')
    .description(
      'Diagnose Azure ML model deployments to AKS: why a deployment failed or hangs, and how to fix it',
    )
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run amlmon --help for usage)');
  for (const register of [
    registerDiagnose,
    registerCapture,
    registerBuildlog,
    registerSimulate,
    registerWatch,
    registerSilence,
  ])
    register(program);
  const override = (cmds: readonly Command[]): void => {
    for (const cmd of cmds) {
      cmd.exitOverride();
      override(cmd.commands);
    }
  };
  override(program.commands);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; real usage errors are exit 2 (docs/CONTRACT.md §2).
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(terminalText(`amlmon: ${err.message}\n`));
      return err.exitCode;
    }
    process.stderr.write(terminalText(`amlmon: ${err instanceof Error ? err.message : String(err)}\n`));
    return 1;
  }
}

// Run when this file is executed directly (`node dist/cli/amlmon.js`), not when imported by the bin (./bin.ts,
// which checks the Node version first) or by tests.
const invoked = process.argv[1] ?? '';
if (invoked.endsWith('amlmon.js')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
