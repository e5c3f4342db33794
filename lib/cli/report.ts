/** How the CLI reports what stopped it, on stderr, and the exit code that goes with it. */
import { ConfigError, toApprovalError, ValidationError } from '../errors.ts';
import type { CliIo } from './io.ts';
import { printable } from './output.ts';

/** An argument problem, reported like a field error (exit 2). */
export function usageError(message: string, path = 'arguments'): ValidationError {
  return new ValidationError([{ path, message }], 'invalid arguments');
}

export function reportIssues(error: ValidationError, io: CliIo): void {
  io.stderr(
    `${error.summary}:\n${error.issues.map((i) => printable(`  ${i.path || '(root)'}: ${i.message}`)).join('\n')}\n`,
  );
}

/** 2 for input and configuration (nothing was called), 1 for anything else. */
export async function reportError(error: unknown, io: CliIo): Promise<number> {
  if (error instanceof ValidationError) {
    reportIssues(error, io);
    return 2;
  }
  if (error instanceof ConfigError) {
    io.stderr(`configuration error: ${error.message}\n`);
    return 2;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    // The usage text is loaded only when it is shown.
    const { USAGE } = await import('./help.ts');
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const approval = toApprovalError(error);
  io.stderr(`error: ${approval.code}: ${approval.message}\n`);
  return 1;
}
