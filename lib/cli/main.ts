/**
 * `vpcep-approval`: decide, validate, status, pending, history. Exit codes are a contract: 0 every endpoint in the wanted
 * state; 1 partial, failed, in_progress or denied (the outcome is still printed); 2 invalid input or configuration
 * (a message on stderr naming the field, and no API call).
 */
import packageJson from '../../package.json' with { type: 'json' };
import { type Config, loadConfig, secretValues } from '../config.ts';
import { admitDecision } from '../decision/admit.ts';
import { exitCodeFor, invalidOutcome } from '../decision/outcome.ts';
import { fitOutcome } from '../decision/outcome-fit.ts';
import { checkTargetKey, targetKey, UuidSchema } from '../decision/schema.ts';
import { resolveTarget } from '../decision/target.ts';
import { ConfigError, ValidationError } from '../errors.ts';
import { executeDecision } from '../executor/execute.ts';
import { listConnections } from '../huawei/connections.ts';
import { NO_RULES } from '../rules/rules.ts';
import { RULES_VARIABLE } from '../rules/variable.ts';
import { createRuntime } from '../runtime.ts';
import { checkCommand, parseCliArgs } from './args.ts';
import { parseDecisionText } from './decision-input.ts';
import { type CliIo, readInput } from './io.ts';
import type { CliLedger } from './ledger-client.ts';
import { cliLogger, type LogSettings } from './log.ts';
import { type LoopSettings, loadLoopSettings } from './loop-config.ts';
import { connectionsText, emit, type OutputMode, outcomeText, outputMode } from './output.ts';
import { errorLine, reportError, reportIssues, TARGET_REQUIRED, usageError } from './report.ts';

/** For tests: the real adapters with a different clock or sleep. */
export type CliDeps = { clock?: () => Date; sleep?: (ms: number) => Promise<void> };

export async function runCli(argv: readonly string[], given: CliIo, deps: CliDeps = {}): Promise<number> {
  const io = withCliDefaults(given);
  let command: string | undefined;
  try {
    const parsed = parseCliArgs(argv);
    const { values, extra } = parsed;
    command = parsed.command;
    if (parsed.problem !== undefined && command === undefined) throw parsed.problem;
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
    if (parsed.problem !== undefined) throw parsed.problem;
    checkCommand(command);
    // `whitelist <target>` names its target in place; no other command takes an argument.
    const named = command === 'whitelist' ? extra.shift() : undefined;
    if (extra.length > 0) throw usageError('unexpected argument', extra[0]);
    if (values.output !== undefined && values.output !== 'json' && values.output !== 'text')
      throw usageError('must be text or json', '--output');
    const logFormat = values['log-format'];
    if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'text')
      throw usageError('must be text or json', '--log-format');
    const mode = outputMode({ output: values.output, quiet: values.quiet, isTTY: io.isTTY });
    const logs: LogSettings = {
      quiet: mode === 'quiet',
      levelSet: (io.env.VPCEP_APPROVAL_LOG_LEVEL ?? '') !== '',
      ...(logFormat === undefined ? {} : { format: logFormat }),
      ...(io.stderrIsTTY === undefined ? {} : { stderrIsTTY: io.stderrIsTTY }),
    };
    // What one command alone uses loads when it runs (the rules and the listing for `pending`, the
    // ledger for `history` and `decide`, the help text), so a fresh process does not pay for the others.
    // The executor and the Huawei client stay static: `decide` needs them, and bundled, loading them
    // apart split its start-up into twice the chunks and measured slower.
    switch (command) {
      case 'validate':
        return await validate(values.file, io, mode);
      case 'decide':
        return await decide(
          values.file,
          values['dry-run'] === true,
          io,
          mode,
          logs,
          deps,
          values['break-glass'],
        );
      case 'pending': {
        const { pendingCommand } = await import('./loop-commands.ts');
        return await pendingCommand(values.target, io, mode, {
          clock: deps.clock ?? (() => new Date()),
          logger: (config) => cliLogger(config, logs, (line) => io.stderr(`${line}\n`)),
        });
      }
      case 'whitelist': {
        const { whitelistCommand } = await import('./whitelist-command.ts');
        return await whitelistCommand(named ?? values.target, io, mode, {
          logger: (config) => cliLogger(config, logs, (line) => io.stderr(`${line}\n`)),
        });
      }
      case 'sweep': {
        const { sweepPlanCommand } = await import('./sweep-plan.ts');
        const flags = {
          dryRun: values['dry-run'] === true,
          rulesFile: values.rules,
          estateFile: values.estate,
          target: values.target,
        };
        return await sweepPlanCommand(flags, io, mode, {
          clock: deps.clock ?? (() => new Date()),
          logger: (config) => cliLogger(config, logs, (line) => io.stderr(`${line}\n`)),
        });
      }
      case 'history': {
        const { historyCommand } = await import('./loop-commands.ts');
        return await historyCommand(values.target, values.endpoint, io, mode);
      }
      default:
        return await status(values.target, values.endpoint, io, mode, logs);
    }
  } catch (error) {
    return await reportError(error, io, command);
  }
}

/** The same admission as `decide` (target resolved, policy applied), without any call. */
async function validate(file: string | undefined, io: CliIo, mode: OutputMode): Promise<number> {
  const config = loadConfig(io.env);
  const parsed = parseDecisionText(await readInput(file, io));
  if (!parsed.ok) throw new ValidationError(parsed.issues);
  const admission = admitDecision(parsed.decision, config);
  if (!admission.ok && admission.kind === 'invalid') throw new ValidationError(admission.issues);
  if (!admission.ok) {
    errorLine(io, `denied: ${admission.denial.message}`);
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
  logs: LogSettings,
  deps: CliDeps,
  breakGlass?: string,
): Promise<number> {
  const config = loadConfig(io.env);
  const loop = loadLoopSettings(io.env);
  if (breakGlass !== undefined) checkBreakGlass(breakGlass, loop, io.env);
  // The same rules the functions apply: a target that asks people is not accepted from here without them.
  // With the stage's SSM path the rules are read where the functions read them.
  const ssmPath = io.env.SECRETS_SSM_PATH;
  const rulesEnv =
    ssmPath === undefined || ssmPath === ''
      ? io.env
      : await (await import('../secrets.ts')).secretsSource(io.env, [RULES_VARIABLE])();
  const rulesText = rulesEnv[RULES_VARIABLE];
  const rules =
    rulesText === undefined || rulesText.trim() === ''
      ? NO_RULES
      : (await import('../rules/schema.ts')).parseRules(rulesText);
  const text = await readInput(file, io);
  const parsed = parseDecisionText(text);
  const clock = deps.clock ?? (() => new Date());
  if (!parsed.ok) {
    // Text mode leaves the field list to stderr (below); JSON carries the invalid outcome for programs.
    if (mode === 'json')
      emit(mode, io.stdout, fitOutcome(invalidOutcome(parsed.input, parsed.issues, clock())), () => '');
    throw new ValidationError(parsed.issues);
  }
  const logger = cliLogger(config, logs, (line) => io.stderr(`${line}\n`));
  for (const notice of config.notices) logger.warn(notice);
  const runtime = await createRuntime(config, {
    logger,
  });
  // With LEDGER_TABLE_NAME, a decision is judged against the last one applied and recorded.
  const ledger: CliLedger | undefined =
    loop.tableName === undefined
      ? undefined
      : (await import('./ledger-client.ts')).cliLedger(io.env, loop.tableName, clock);
  // With VPCEP_APPROVAL_ESTATE the decision is placed in its account and region first (docs/estate.md).
  const execute =
    config.estate === undefined
      ? executeDecision
      : (await import('../estate/run.ts')).estateExecutor(config.estate, config.huawei, runtime.client, {
          clock,
          placements: ledger?.placements,
        });
  try {
    const outcome = await execute(
      parsed.decision,
      {
        client: runtime.client,
        config,
        logger,
        clock,
        ...sleepOf(deps),
        describe: loop.describe,
        maxDecisionAgeMs: loop.maxDecisionAgeMs,
        ...(ledger === undefined ? {} : { ledger: ledger.ledger, lock: ledger.lock }),
        authority: { rules, approvals: ledger?.approvals },
      },
      { dryRun, ...(breakGlass === undefined ? {} : { breakGlass }) },
    );
    // Break-glass leaves a trail beyond the ledger: its outcome goes to the topic as `break_glass`.
    if (breakGlass !== undefined && !dryRun)
      await (await import('./break-glass.ts')).publishBreakGlass(
        outcome,
        io.env,
        secretValues(config.huawei.credentials),
      );
    emit(mode, io.stdout, outcome, () => outcomeText(outcome));
    if (outcome.status === 'invalid') reportIssues(new ValidationError(outcome.issues ?? []), io);
    return exitCodeFor(outcome.status);
  } finally {
    ledger?.close();
    await runtime.close();
  }
}

/** Break-glass needs a reason and a trail: the ledger records it, the topic announces it. */
function checkBreakGlass(
  reason: string,
  loop: LoopSettings,
  env: Readonly<Record<string, string | undefined>>,
): void {
  if (reason.trim() === '' || reason.length > 512)
    throw usageError('needs a reason of 1-512 characters: --break-glass "<why>"', '--break-glass');
  if (loop.tableName === undefined)
    throw new ConfigError(
      'LEDGER_TABLE_NAME',
      'is needed for --break-glass: the ledger records who acted without approvals',
    );
  if ((env.OUTCOME_TOPIC_ARN ?? '').trim() === '')
    throw new ConfigError(
      'OUTCOME_TOPIC_ARN',
      'is needed for --break-glass: its outcome is published there as break_glass',
    );
}

async function status(
  targetText: string | undefined,
  endpoint: string | undefined,
  io: CliIo,
  mode: OutputMode,
  logs: LogSettings,
): Promise<number> {
  const config: Config = loadConfig(io.env);
  if (targetText === undefined) throw usageError(TARGET_REQUIRED, '--target');
  const checked = checkTargetKey(targetText);
  if (!checked.ok) throw usageError(checked.message, '--target');
  const target = checked.target;
  if (endpoint !== undefined && !UuidSchema.safeParse(endpoint).success)
    throw usageError('must be a UUID', '--endpoint');
  const resolution = config.estate === undefined ? resolveTarget(target, config.huawei) : undefined;
  if (resolution?.ok === false) throw new ValidationError(resolution.issues, 'incomplete target');
  const logger = cliLogger(config, logs, (line) => io.stderr(`${line}\n`));
  const runtime = await createRuntime(config, {
    logger,
  });
  try {
    const deadlineAt = Date.now() + config.execution.deadlineMs;
    // With VPCEP_APPROVAL_ESTATE the target is read in its own account and region (docs/estate.md).
    const where =
      resolution?.ok === true
        ? { client: runtime.client, api: resolution.api, resolved: resolution.resolved }
        : await (await import('./estate-status.ts')).placeForStatus(
            config,
            runtime.client,
            target,
            deadlineAt,
          );
    const read = await listConnections(where.client, where.api, {
      deadlineAt,
      ...(endpoint === undefined ? {} : { endpointId: endpoint }),
    });
    if (!read.ok) {
      errorLine(io, `status failed: ${read.error.code}: ${read.error.message}`);
      return 1;
    }
    const key = targetKey(where.resolved);
    if (endpoint !== undefined && !read.body.some((c) => c.id.toLowerCase() === endpoint.toLowerCase())) {
      // Nothing to show is an answer a script must not take for "pending": exit 1, and say so.
      errorLine(io, `no connection ${endpoint} on ${key}`);
      return 1;
    }
    // `endpointId`, as in outcomes, pending and history; `id` stays for scripts written against it.
    const connections = read.body.map((c) => ({ endpointId: c.id, ...c }));
    emit(mode, io.stdout, { target: where.resolved, connections }, () => connectionsText(key, read.body));
    return 0;
  } finally {
    await runtime.close();
  }
}

function sleepOf(deps: CliDeps): { sleep?: (ms: number) => Promise<void> } {
  return deps.sleep === undefined ? {} : { sleep: deps.sleep };
}

/**
 * The CLI is one short process that makes a handful of calls: node:http/https answers them without
 * loading undici (~300 KB of bundle, and its WebAssembly HTTP parser), which measured here halves the
 * CPU time of a one-endpoint decide (~410 → ~210 ms). VPCEP_APPROVAL_HTTP_CLIENT=undici still picks
 * undici; the functions and the local stack keep their own default.
 */
function withCliDefaults(io: CliIo): CliIo {
  if ((io.env.VPCEP_APPROVAL_HTTP_CLIENT ?? '') !== '') return io;
  return { ...io, env: { ...io.env, VPCEP_APPROVAL_HTTP_CLIENT: 'node' } };
}
