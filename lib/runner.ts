/**
 * Decisions executed for a function: the Huawei client is built at the first call (the HTTP stack and
 * the executor load only then, so a function that only queues never pays for them), every attempt and
 * every outcome is counted. Each function builds its own from its configuration.
 */
import type { Config } from './config.ts';
import type { Outcome } from './decision/outcome.ts';
import type { AnyDecision, Target } from './decision/schema.ts';
import type { EstateRun } from './estate/execute.ts';
import type { HuaweiClient } from './huawei/client.ts';
import type { Connection } from './huawei/connection-schema.ts';
import type { Transport } from './huawei/transport.ts';
import type { ApprovalStore } from './ledger/approvals.ts';
import type { Ledger } from './ledger/ledger.ts';
import type { TargetLock } from './ledger/lock.ts';
import type { PlacementStore } from './ledger/placements.ts';
import type { Logger } from './log.ts';
import { type MetricsRecorder, recordApiAttempt } from './metrics.ts';
import { NO_RULES, type Rules } from './rules/rules.ts';

/** What the decision's carrier tells the run: see ExecuteOptions in lib/executor/execute.ts. */
export type RunContext = {
  carrierTime?: Date | undefined;
  /** Reads and reports, acts on nothing, records nothing. */
  dryRun?: boolean;
};

/** The approval loop's settings for a run: the ledger (superseded decisions, the record), provenance. */
export type LoopSettings = { describe: boolean; maxDecisionAgeMs: number };

export type DecisionRunner = {
  /** Executes a decision within `deadlineAt`; API failures are in the outcome, never thrown. */
  execute(decision: AnyDecision, deadlineAt: number, context?: RunContext): Promise<Outcome>;
  /** A target's connections waiting for a decision. */
  readPending(target: Target, deadlineAt: number): Promise<Connection[]>;
};

export type RunnerEffects = {
  logger: Logger;
  metrics: MetricsRecorder;
  /** Called when a request to Huawei Cloud has been written: the time to warm up what comes next. */
  onRequestWritten?: () => void;
  /** Another transport (tests); by default the one VPCEP_APPROVAL_HTTP_CLIENT names. */
  transport?: Transport;
  /**
   * The ledger: a decision superseded by a later one applied is refused with no call, and each applied
   * decision is recorded. Without it, only expiry is judged.
   */
  ledger?: Pick<Ledger, 'lastDecision' | 'recordDecision'>;
  /** The approvals people gave, which the authority counts on targets that ask people. */
  approvals?: Pick<ApprovalStore, 'votes'>;
  /** The target lock: decisions applied one at a time per target, whatever carried them. */
  lock?: TargetLock;
  /** With an estate: where sweeps found discovered targets (by default, only what this runner finds). */
  placements?: PlacementStore;
};

export function decisionRunner(
  config: Pick<Config, 'huawei' | 'execution' | 'allowedTargets' | 'estate'> & {
    /** Every configured secret value, cut out of outcomes (an API error message may quote one). */
    secrets: readonly string[];
    /** Unset: provenance written, a day's maximum decision age (the executor's defaults). */
    loop?: LoopSettings;
    /** The rules document (`VPCEP_APPROVAL_RULES`) the authority applies; unset, none. */
    rules?: Rules;
  },
  effects: RunnerEffects,
): DecisionRunner {
  let huaweiClient: Promise<HuaweiClient> | undefined;
  const client = () => {
    // A failure (no credentials) is kept: it fails the same way until the configuration changes,
    // and a changed configuration builds a new runner.
    huaweiClient ??= import('./runtime.ts')
      .then(({ createRuntime }) =>
        createRuntime(config, {
          logger: effects.logger,
          onAttempt: (event) => recordApiAttempt(effects.metrics, event),
          ...(effects.onRequestWritten === undefined ? {} : { onRequestWritten: effects.onRequestWritten }),
          ...(effects.transport === undefined ? {} : { transport: effects.transport }),
        }),
      )
      .then((runtime) => runtime.client);
    return huaweiClient;
  };
  // With an estate, each decision is placed in its account and region first (lib/estate/).
  let estate: Promise<EstateRun> | undefined;
  const estateRun = () => {
    const described = config.estate;
    if (described === undefined) return undefined;
    estate ??= Promise.all([client(), import('./estate/run.ts')]).then(([huawei, { estateRun }]) =>
      estateRun(described, config.huawei, huawei, { placements: effects.placements }),
    );
    return estate;
  };
  return {
    async execute(decision, deadlineAt, context = {}) {
      const [huawei, { executeDecision }, placed] = await Promise.all([
        client(),
        import('./executor/execute.ts'),
        estateRun(),
      ]);
      const run: typeof executeDecision =
        placed === undefined
          ? executeDecision
          : async (...args) =>
              (await import('./estate/execute.ts')).executeInEstate(args[0], args[1], placed, args[2]);
      const outcome = await run(
        decision,
        {
          client: huawei,
          config,
          logger: effects.logger,
          secrets: config.secrets,
          metrics: effects.metrics,
          ...(effects.ledger === undefined ? {} : { ledger: effects.ledger }),
          ...(effects.lock === undefined ? {} : { lock: effects.lock }),
          authority: { rules: config.rules ?? NO_RULES, approvals: effects.approvals },
          ...(config.loop === undefined
            ? {}
            : { describe: config.loop.describe, maxDecisionAgeMs: config.loop.maxDecisionAgeMs }),
        },
        {
          deadlineAt,
          ...(context.carrierTime === undefined ? {} : { carrierTime: context.carrierTime }),
          ...(context.dryRun === true ? { dryRun: true } : {}),
        },
      );
      effects.metrics.count('Decisions', 1, { status: outcome.status });
      return outcome;
    },
    async readPending(target, deadlineAt) {
      const placed = await estateRun();
      if (placed !== undefined)
        return (await import('./estate/run.ts')).readPendingInEstate(placed, target, deadlineAt);
      const [huawei, { readPendingConnections }] = await Promise.all([
        client(),
        import('./executor/pending.ts'),
      ]);
      return readPendingConnections(huawei, target, config.huawei, deadlineAt);
    },
  };
}
