/**
 * `vpcep-approval`: decide, validate, status, pending, history. Exit codes are a contract: 0 every endpoint in the wanted
 * state; 1 partial, failed, in_progress or denied (the outcome is still printed); 2 invalid input or configuration
 * (a message on stderr naming the field, and no API call).
 */
import { parseArgs } from 'node:util';
import packageJson from '../../package.json' with { type: 'json' };
import { type Config, loadConfig } from '../config.ts';
import { admitJson } from '../decision/admit.ts';
import { exitCodeFor, invalidOutcome } from '../decision/outcome.ts';
import { fitOutcome } from '../decision/outcome-fit.ts';
import { checkTargetKey, parseDecisionJson, targetKey, UuidSchema } from '../decision/schema.ts';
import { resolveTarget } from '../decision/target.ts';
import { ValidationError } from '../errors.ts';
import { executeDecision } from '../executor/execute.ts';
import { listConnections } from '../huawei/connections.ts';
import { createLogger, createRuntime } from '../runtime.ts';
import { type CliIo, readInput } from './io.ts';
import type { CliLedger } from './ledger-client.ts';
import { loadLoopSettings } from './loop-config.ts';
import { connectionsText, emit, type OutputMode, outcomeText, outputMode } from './output.ts';
import { reportError, reportIssues, usageError } from './report.ts';

/** For tests: the real adapters with a different clock or sleep. */
export type CliDeps = { clock?: () => Date; sleep?: (ms: number) => Promise<void> };

const OPTIONS = {
  file: { type: 'string' },
  'dry-run': { type: 'boolean' },
  target: { type: 'string' },
  endpoint: { type: 'string' },
  rules: { type: 'string' },
  output: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  version: { type: 'boolean', short: 'V' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS = ['decide', 'validate', 'status', 'pending', 'history', 'whitelist', 'sweep'];

export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const [command, ...extra] = positionals;
    if (values.version === true) {
      io.stdout(`${packageJson.version}\n`);
      return 0;
    }
    if (values.help === true || command === 'help') {
      // `help decide` and `decide --help` alike.
      const { helpFor } = await import('./help.ts');
      io.stdout(helpFor(command === 'help' ? extra[0] : command));
      return 0;
    }
    if (command === undefined) {
      io.stderr((await import('./help.ts')).USAGE);
      return 2;
    }
    // `whitelist <target>` names its target in place; no other command takes an argument.
    const named = command === 'whitelist' ? extra.shift() : undefined;
    if (extra.length > 0) throw usageError(`unexpected argument ${extra[0]}`);
    if (!COMMANDS.includes(command)) throw usageError(`unknown command ${command}`);
    if (values.output !== undefined && values.output !== 'json' && values.output !== 'text')
      throw usageError('must be text or json', '--output');
    const mode = outputMode({ output: values.output, quiet: values.quiet, isTTY: io.isTTY });
    // What one command alone uses loads when it runs (the rules and the listing for `pending`, the
    // ledger for `history` and `decide`, the help text), so a fresh process does not pay for the others.
    // The executor and the Huawei client stay static: `decide` needs them, and bundled, loading them
    // apart split its start-up into twice the chunks and measured slower.
    switch (command) {
      case 'validate':
        return await validate(values.file, io, mode);
      case 'decide':
        return await decide(values.file, values['dry-run'] === true, io, mode, deps);
      case 'pending': {
        const { pendingCommand } = await import('./loop-commands.ts');
        return await pendingCommand(values.target, io, mode, {
          clock: deps.clock ?? (() => new Date()),
          logLevel: (config) => quietened(config, mode),
        });
      }
      case 'whitelist': {
        const { whitelistCommand } = await import('./whitelist-command.ts');
        return await whitelistCommand(named ?? values.target, io, mode, {
          logLevel: (config) => quietened(config, mode),
        });
      }
      case 'sweep': {
        const { sweepPlanCommand } = await import('./sweep-plan.ts');
        const flags = { dryRun: values['dry-run'] === true, rulesFile: values.rules, target: values.target };
        return await sweepPlanCommand(flags, io, mode, {
          clock: deps.clock ?? (() => new Date()),
          logLevel: (config) => quietened(config, mode),
        });
      }
      case 'history': {
        const { historyCommand } = await import('./loop-commands.ts');
        return await historyCommand(values.target, values.endpoint, io, mode);
      }
      default:
        return await status(values.target, values.endpoint, io, mode);
    }
  } catch (error) {
    return await reportError(error, io);
  }
}

/** The same admission as `decide` (target resolved, policy applied), without any call. */
async function validate(file: string | undefined, io: CliIo, mode: OutputMode): Promise<number> {
  const config = loadConfig(io.env);
  const admission = admitJson(await readInput(file, io), config);
  if (!admission.ok && admission.kind === 'invalid') throw new ValidationError(admission.issues);
  if (!admission.ok) {
    io.stderr(`denied: ${admission.denial.message}\n`);
    return 1;
  }
  // The normalized decision is JSON either way: it is what a person would copy into a ticket.
  emit(mode === 'quiet' ? 'quiet' : 'json', io.stdout, admission.decision, () => '');
  return 0;
}

async function decide(
  file: string | undefined,
  dryRun: boolean,
  io: CliIo,
  mode: OutputMode,
  deps: CliDeps,
): Promise<number> {
  const config = loadConfig(io.env);
  const loop = loadLoopSettings(io.env);
  const text = await readInput(file, io);
  const parsed = parseDecisionJson(text);
  const clock = deps.clock ?? (() => new Date());
  if (!parsed.ok) {
    // Text mode leaves the field list to stderr (below); JSON carries the invalid outcome for programs.
    if (mode === 'json')
      emit(mode, io.stdout, fitOutcome(invalidOutcome(safeJson(text), parsed.issues, clock())), () => '');
    throw new ValidationError(parsed.issues);
  }
  const logger = createLogger(quietened(config, mode), (line) => io.stderr(`${line}\n`));
  for (const notice of config.notices) logger.warn(notice);
  const runtime = await createRuntime(config, {
    logger,
  });
  // With LEDGER_TABLE_NAME, a decision is judged against the last one applied and recorded.
  const ledger: CliLedger | undefined =
    loop.tableName === undefined
      ? undefined
      : (await import('./ledger-client.ts')).cliLedger(io.env, loop.tableName, clock);
  try {
    const outcome = await executeDecision(
      parsed.decision,
      {
        client: runtime.client,
        config,
        logger,
        clock,
        ...sleepOf(deps),
        describe: loop.describe,
        maxDecisionAgeMs: loop.maxDecisionAgeMs,
        ...(ledger === undefined ? {} : { ledger: ledger.ledger }),
      },
      { dryRun },
    );
    emit(mode, io.stdout, outcome, () => outcomeText(outcome));
    if (outcome.status === 'invalid') reportIssues(new ValidationError(outcome.issues ?? []), io);
    return exitCodeFor(outcome.status);
  } finally {
    ledger?.close();
    await runtime.close();
  }
}

async function status(
  targetText: string | undefined,
  endpoint: string | undefined,
  io: CliIo,
  mode: OutputMode,
): Promise<number> {
  const config: Config = loadConfig(io.env);
  const checked = checkTargetKey(targetText ?? '');
  if (!checked.ok) throw usageError(checked.message, '--target');
  const target = checked.target;
  if (endpoint !== undefined && !UuidSchema.safeParse(endpoint).success)
    throw usageError('must be a UUID', '--endpoint');
  const resolution = resolveTarget(target, config.huawei);
  if (!resolution.ok) throw new ValidationError(resolution.issues, 'incomplete target');
  const logger = createLogger(quietened(config, mode), (line) => io.stderr(`${line}\n`));
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
    const key = targetKey(resolution.resolved);
    if (endpoint !== undefined && !read.body.some((c) => c.id.toLowerCase() === endpoint.toLowerCase())) {
      // Nothing to show is an answer a script must not take for "pending": exit 1, and say so.
      io.stderr(`no connection ${endpoint} on ${key}\n`);
      return 1;
    }
    emit(mode, io.stdout, { target: resolution.resolved, connections: read.body }, () =>
      connectionsText(key, read.body),
    );
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

/** `--quiet` keeps the logs to errors as well. */
function quietened(config: Config, mode: OutputMode): Config {
  return mode === 'quiet' ? { ...config, logLevel: 'error' } : config;
}
