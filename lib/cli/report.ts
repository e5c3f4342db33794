/** How the CLI reports what stopped it, on stderr, and the exit code that goes with it. */
import { ConfigError, toApprovalError, ValidationError } from '../errors.ts';
import type { CliIo } from './io.ts';
import { printable } from './output.ts';

export const TARGET_REQUIRED = 'required: vpcep:<serviceId> or apig:<instanceId>';

/** The summary of a command-line mistake: reported on one line, with the command's usage. */
const ARGUMENTS = 'invalid arguments';

/** An argument problem (exit 2), reported by reportError. */
export function usageError(message: string, path = 'arguments'): ValidationError {
  return new ValidationError([{ path, message }], ARGUMENTS);
}

export function reportIssues(error: ValidationError, io: CliIo): void {
  io.stderr(
    `${error.summary}:\n${error.issues.map((i) => printable(`  ${i.path || '(root)'}: ${i.message}`)).join('\n')}\n`,
  );
}

/**
 * 2 for input and configuration (nothing was called), 1 for anything else. A command-line mistake is
 * one line saying what is wrong, then the usage of `command` (the overview's command list when it is
 * not one), loaded only when shown.
 */
export async function reportError(error: unknown, io: CliIo, command?: string): Promise<number> {
  if (error instanceof ValidationError && error.summary === ARGUMENTS) {
    const { usageFor } = await import('./help.ts');
    const [first] = error.issues;
    io.stderr(
      `${printable(`${ARGUMENTS}: ${first?.path ?? ''}: ${first?.message ?? ''}`)}\n${usageFor(command)}`,
    );
    return 2;
  }
  if (error instanceof ValidationError) {
    reportIssues(error, io);
    return 2;
  }
  if (error instanceof ConfigError) {
    errorLine(io, `configuration error: ${error.message}`);
    return 2;
  }
  const approval = toApprovalError(error);
  errorLine(io, `error: ${approval.code}: ${approval.message}`);
  return 1;
}

/**
 * A line on stderr, which is often a terminal: an API's message (Huawei's, the AWS SDK's) could carry
 * escape sequences that recolour, move the cursor or retitle the window, so control characters are
 * shown as `?`, as in the tables on stdout.
 */
export function errorLine(io: CliIo, text: string): void {
  io.stderr(`${printable(text)}\n`);
}
