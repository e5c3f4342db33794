/**
 * `sweep --dry-run`: what one sweep would do with these rules — connections it would accept, reject or
 * ask about, accepted ones it would reconcile, whitelist entries it would add or remove, drift it would
 * report — and none of it done. It runs the sweep itself (lib/sweeper/sweep.ts and steps.ts) with
 * effects that only write down: reads go to Huawei Cloud and, with LEDGER_TABLE_NAME, to the ledger;
 * nothing is queued, published or written. Reviewed like `terraform plan` before a rules change.
 */

import { readFile } from 'node:fs/promises';
import { type Config, loadConfig } from '../config.ts';
import { checkTargetKey } from '../decision/schema.ts';
import { estateRun, placeTarget } from '../estate/run.ts';
import { ESTATE_VARIABLE } from '../estate/schema.ts';
import { watchedLocator, watchedTargets } from '../estate/watch.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { memoryPlacements } from '../ledger/placements.ts';
import { UNRECORDED_LIFECYCLE } from '../ledger/request-lifecycle.ts';
import type { Logger } from '../log.ts';
import { parseRules, RULES_VARIABLE, type Rules } from '../rules/schema.ts';
import { createRuntime } from '../runtime.ts';
import { huaweiListing } from '../sweeper/huawei-listing.ts';
import { huaweiTargetReader, ownAccountLocation, ownAccountResolver } from '../sweeper/huawei-target.ts';
import { targetSteps } from '../sweeper/steps.ts';
import { sweep } from '../sweeper/sweep.ts';
import type { CliIo } from './io.ts';
import { loadLoopSettings } from './loop-config.ts';
import { emit, type OutputMode } from './output.ts';
import { usageError } from './report.ts';
import { planText, type SweepPlan } from './sweep-plan-text.ts';

export const WATCH_VARIABLE = 'VPCEP_APPROVAL_WATCH_TARGETS';

type PlanLedger = Pick<
  Ledger,
  | 'approvalRequests'
  | 'recordApprovalRequest'
  | 'claimReminder'
  | 'withdrawApprovalRequest'
  | 'history'
  | 'lastDecision'
  | 'recordDecision'
  | 'recordDelivery'
>;

/** Exit 0 with the plan, 1 when a target could not be read, 2 for bad options or configuration. */
export async function sweepPlanCommand(
  flags: {
    dryRun: boolean;
    rulesFile: string | undefined;
    estateFile?: string | undefined;
    target: string | undefined;
  },
  io: CliIo,
  mode: OutputMode,
  options: { clock: () => Date; logger: (config: Config) => Logger },
): Promise<number> {
  if (!flags.dryRun)
    throw usageError('the CLI only plans a sweep: add --dry-run (the sweeper function runs it)', '--dry-run');
  // `--estate FILE` plans over the estate the file describes, as the sweeper would with it deployed.
  const env =
    flags.estateFile === undefined
      ? io.env
      : { ...io.env, [ESTATE_VARIABLE]: await readFileFor(flags.estateFile, '--estate') };
  const config = loadConfig(env);
  const rules = parseRules(
    flags.rulesFile === undefined ? io.env[RULES_VARIABLE] : await readFileFor(flags.rulesFile, '--rules'),
  );
  const settings = loadLoopSettings(io.env);
  const logger = options.logger(config);
  const runtime = await createRuntime(config, { logger });
  const cli =
    settings.tableName === undefined
      ? undefined
      : (await import('./ledger-client.ts')).cliLedger(io.env, settings.tableName, options.clock);
  try {
    const ledger = readOnly(cli?.ledger);
    const where = await estateView(config, runtime.client, options.clock);
    const targets =
      where !== undefined && flags.target === undefined
        ? where.watched.targets
        : planTargets(flags.target, io.env[WATCH_VARIABLE], rules, config);
    const own = ownAccountLocation(config.huawei, io.env.HUAWEICLOUD_SDK_DOMAIN_ID);
    const ownReader = huaweiTargetReader({
      client: runtime.client,
      resolve: ownAccountResolver(config.huawei),
      deadlineMs: config.execution.deadlineMs,
      clock: options.clock,
    });
    const steps = targetSteps({
      readTarget: async (target) => {
        const parsed = where === undefined ? undefined : checkTargetKey(target);
        if (where === undefined || parsed === undefined || !parsed.ok) return ownReader(target);
        const deadlineAt = options.clock().getTime() + config.execution.deadlineMs;
        const { client, api } = await placeTarget(where.run, parsed.target, deadlineAt);
        const reader = huaweiTargetReader({
          client,
          resolve: () => api,
          deadlineMs: config.execution.deadlineMs,
          clock: options.clock,
        });
        return reader(target);
      },
      locate: (target) => {
        const place = where?.watched.places.get(target.toLowerCase());
        if (place === undefined) return own();
        return {
          account: place.account.name,
          region: place.region,
          ownerDomainId: place.account.domainId.toLowerCase(),
        };
      },
      ledger,
      enqueue: async () => undefined,
      publish: async () => undefined,
      clock: options.clock,
    });
    const report = await sweep(targets, {
      listPending: huaweiListing({
        client: runtime.client,
        huawei: config.huawei,
        deadlineMs: config.execution.deadlineMs,
        clock: options.clock,
        ...(where === undefined ? {} : { locate: watchedLocator(where.run, where.watched) }),
      }),
      ledger,
      rules,
      enqueue: async () => undefined,
      // A plan raises nothing and records nothing: no channel, and a request lifecycle that writes nothing.
      channels: [],
      lifecycle: UNRECORDED_LIFECYCLE,
      clock: options.clock,
      // Only dates a request the plan pretends to raise; nothing is written.
      reminderIntervalMs: 24 * 60 * 60 * 1000,
      afterTarget: steps.run,
    });
    const { waiting: _waiting, ...sweepPart } = report;
    const { measures: _measures, ...stepsPart } = steps.report;
    const { errors: stepErrors, ...stepsRest } = stepsPart;
    const plan: SweepPlan = {
      dryRun: true,
      ...sweepPart,
      ...stepsRest,
      errors: [...sweepPart.errors, ...stepErrors.map(({ step: _step, ...error }) => error)],
    };
    if (where !== undefined) plan.errors.unshift(...where.watched.errors);
    emit(mode, io.stdout, plan, () => planText(plan));
    return plan.errors.length > 0 ? 1 : 0;
  } finally {
    cli?.close();
    await runtime.close();
  }
}

async function readFileFor(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as Error).message}`, flag);
  }
}

/**
 * With an estate, what the sweeper would sweep: its targets found now in each account and region (read
 * only: discovered targets are remembered in memory, not in the ledger), and where each lives.
 */
async function estateView(config: Config, client: HuaweiClient, clock: () => Date) {
  if (config.estate === undefined) return undefined;
  const run = estateRun(config.estate, config.huawei, client, { placements: memoryPlacements(), clock });
  const watched = await watchedTargets(run, memoryPlacements(), {
    deadlineAt: clock().getTime() + config.execution.deadlineMs,
    clock,
  });
  return { run, watched };
}

/** `--target`, else the watched targets, else every target the rules or the allowlist name. */
function planTargets(
  target: string | undefined,
  watched: string | undefined,
  rules: Rules,
  config: Config,
): string[] {
  const texts =
    target !== undefined
      ? [target]
      : watched !== undefined && watched.trim() !== ''
        ? watched.split(',')
        : [...rules.targets.keys(), ...(config.allowedTargets ?? [])].filter((k) => k !== '*');
  const keys = new Set<string>();
  for (const text of texts) {
    const checked = checkTargetKey(text.trim());
    if (!checked.ok)
      throw usageError(
        `${text.trim()}: ${checked.message}`,
        target === undefined ? WATCH_VARIABLE : '--target',
      );
    keys.add(text.trim().toLowerCase());
  }
  if (keys.size === 0)
    throw usageError(
      `name a target, or list targets in ${WATCH_VARIABLE}, ${RULES_VARIABLE} or VPCEP_APPROVAL_ALLOWED_TARGETS`,
      '--target',
    );
  return [...keys];
}

/**
 * The ledger as a plan sees it: reads answered by the real one (or nothing, without a table: every target
 * is then a first sweep), every write only pretended. A request not yet raised counts as raised now.
 */
function readOnly(ledger: Ledger | undefined): PlanLedger {
  return {
    approvalRequests: async (target) => (ledger === undefined ? [] : ledger.approvalRequests(target)),
    recordApprovalRequest: async () => ({ first: true }),
    claimReminder: async () => undefined,
    withdrawApprovalRequest: async () => false,
    history: async (target, options) => (ledger === undefined ? [] : ledger.history(target, options)),
    lastDecision: async (target, key) =>
      ledger === undefined ? undefined : ledger.lastDecision(target, key),
    recordDecision: async () => 'recorded',
    recordDelivery: async () => ({ first: true }),
  };
}
