/**
 * `vpcep-approval`: decide, validate, status. Exit codes are a contract: 0 every endpoint in the wanted
 * state; 1 partial, failed, in_progress or denied (the outcome is still printed); 2 invalid input or configuration
 * (a message on stderr naming the field, and no API call).
 */
import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../config.ts';
import { admitJson } from '../decision/admit.ts';
import { exitCodeFor, invalidOutcome } from '../decision/outcome.ts';
import { fitOutcome } from '../decision/outcome-fit.ts';
import { checkTargetKey, parseDecisionJson, UuidSchema } from '../decision/schema.ts';
import { resolveTarget } from '../decision/target.ts';
import { ConfigError, toApprovalError, ValidationError } from '../errors.ts';
import { executeDecision } from '../executor/execute.ts';
import { listConnections } from '../huawei/connections.ts';
import { createLogger, createRuntime } from '../runtime.ts';
import { type CliIo, readInput } from './io.ts';

export const USAGE = `Usage: vpcep-approval <command> [options]

Commands:
  decide --file <path|-> [--dry-run]   execute a decision; prints the outcome JSON
  validate --file <path|->             check a decision; prints it normalized
  status --target <vpcep:<serviceId>|apig:<instanceId>> [--endpoint <id>]
                                       list connections and their status

Exit codes: 0 every endpoint in the wanted state; 1 partial, failed, in_progress or denied;
            2 invalid input or configuration.
Configuration is read from the environment: see README.md.
`;

/** For tests: the real adapters with a different clock or sleep. */
export type CliDeps = { clock?: () => Date; sleep?: (ms: number) => Promise<void> };

const OPTIONS = {
  file: { type: 'string' },
  'dry-run': { type: 'boolean' },
  target: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const [command, ...extra] = positionals;
    if (values.help === true || command === undefined || command === 'help') {
      io.stdout(USAGE);
      return command === undefined && values.help !== true ? 2 : 0;
    }
    if (extra.length > 0) throw usageError(`unexpected argument ${extra[0]}`);
    switch (command) {
      case 'validate':
        return await validate(values.file, io);
      case 'decide':
        return await decide(values.file, values['dry-run'] === true, io, deps);
      case 'status':
        return await status(values.target, values.endpoint, io);
      default:
        throw usageError(`unknown command ${command}`);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

/** The same admission as `decide` (target resolved, policy applied), without any call. */
async function validate(file: string | undefined, io: CliIo): Promise<number> {
  const config = loadConfig(io.env);
  const admission = admitJson(await readInput(file, io), config);
  if (!admission.ok && admission.kind === 'invalid') throw new ValidationError(admission.issues);
  if (!admission.ok) {
    io.stderr(`denied: ${admission.denial.message}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(admission.decision, null, 2)}\n`);
  return 0;
}

async function decide(file: string | undefined, dryRun: boolean, io: CliIo, deps: CliDeps): Promise<number> {
  const config = loadConfig(io.env);
  const text = await readInput(file, io);
  const parsed = parseDecisionJson(text);
  const clock = deps.clock ?? (() => new Date());
  if (!parsed.ok) {
    const outcome = fitOutcome(invalidOutcome(safeJson(text), parsed.issues, clock()));
    io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    throw new ValidationError(parsed.issues);
  }
  const logger = createLogger(config, (line) => io.stderr(`${line}\n`));
  for (const notice of config.notices) logger.warn(notice);
  const runtime = await createRuntime(config, {
    logger,
  });
  try {
    const outcome = await executeDecision(
      parsed.decision,
      { client: runtime.client, config, logger, clock, ...sleepOf(deps) },
      { dryRun },
    );
    io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    if (outcome.status === 'invalid') reportIssues(new ValidationError(outcome.issues ?? []), io);
    return exitCodeFor(outcome.status);
  } finally {
    await runtime.close();
  }
}

async function status(
  targetText: string | undefined,
  endpoint: string | undefined,
  io: CliIo,
): Promise<number> {
  const config: Config = loadConfig(io.env);
  const checked = checkTargetKey(targetText ?? '');
  if (!checked.ok) throw usageError(checked.message, '--target');
  const target = checked.target;
  if (endpoint !== undefined && !UuidSchema.safeParse(endpoint).success)
    throw usageError('must be a UUID', '--endpoint');
  const resolution = resolveTarget(target, config.huawei);
  if (!resolution.ok) throw new ValidationError(resolution.issues, 'incomplete target');
  const logger = createLogger(config, (line) => io.stderr(`${line}\n`));
  const runtime = await createRuntime(config, {
    logger,
  });
  try {
    const deadlineAt = Date.now() + config.execution.deadlineMs;
    const read = await listConnections(runtime.client, resolution.api, {
      deadlineAt,
      ...(endpoint === undefined ? {} : { endpointId: endpoint }),
    });
    if (!read.ok) {
      io.stderr(`status failed: ${read.error.code}: ${read.error.message}\n`);
      return 1;
    }
    io.stdout(`${JSON.stringify({ target: resolution.resolved, connections: read.body }, null, 2)}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

function sleepOf(deps: CliDeps): { sleep?: (ms: number) => Promise<void> } {
  return deps.sleep === undefined ? {} : { sleep: deps.sleep };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function usageError(message: string, path = 'arguments'): ValidationError {
  return new ValidationError([{ path, message }], 'invalid arguments');
}

function reportIssues(error: ValidationError, io: CliIo): void {
  io.stderr(
    `${error.message.split(': ')[0]}:\n${error.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}\n`).join('')}`,
  );
}

function reportError(error: unknown, io: CliIo): number {
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
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const approval = toApprovalError(error);
  io.stderr(`error: ${approval.code}: ${approval.message}\n`);
  return 1;
}
