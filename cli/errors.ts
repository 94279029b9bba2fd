/** Exit codes of docs/CONTRACT.md §2: 0 diagnosis produced, 2 usage error, 3 unreadable input. */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_INPUT = 3;

/** An error the CLI reports as one line and a specific exit code, instead of a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT_USAGE);
export const inputError = (message: string): CliError => new CliError(message, EXIT_INPUT);
