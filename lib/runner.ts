/**
 * Decisions executed for a function: the Huawei client is built at the first call (the HTTP stack and
 * the executor load only then, so a function that only queues never pays for them), every attempt and
 * every outcome is counted. Each function builds its own from its configuration.
 */
import type { Config } from './config.ts';
import type { Outcome } from './decision/outcome.ts';
import type { AnyDecision, Target } from './decision/schema.ts';
import type { HuaweiClient } from './huawei/client.ts';
import type { Connection } from './huawei/connection-schema.ts';
import type { Transport } from './huawei/transport.ts';
import type { Ledger } from './ledger/ledger.ts';
import type { Logger } from './log.ts';
import { type MetricsRecorder, recordApiAttempt } from './metrics.ts';

/** What the decision's carrier tells the run: see ExecuteOptions in lib/executor/execute.ts. */
export type RunContext = { carrierTime?: Date | undefined; approvedBy?: readonly string[] | undefined };

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
};

export function decisionRunner(
  config: Pick<Config, 'huawei' | 'execution' | 'allowedTargets'> & {
    /** Every configured secret value, cut out of outcomes (an API error message may quote one). */
    secrets: readonly string[];
    /** Unset: provenance written, a day's maximum decision age (the executor's defaults). */
    loop?: LoopSettings;
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
  return {
    async execute(decision, deadlineAt, context = {}) {
      const [huawei, { executeDecision }] = await Promise.all([client(), import('./executor/execute.ts')]);
      const outcome = await executeDecision(
        decision,
        {
          client: huawei,
          config,
          logger: effects.logger,
          secrets: config.secrets,
          metrics: effects.metrics,
          ...(effects.ledger === undefined ? {} : { ledger: effects.ledger }),
          ...(config.loop === undefined
            ? {}
            : { describe: config.loop.describe, maxDecisionAgeMs: config.loop.maxDecisionAgeMs }),
        },
        {
          deadlineAt,
          ...(context.carrierTime === undefined ? {} : { carrierTime: context.carrierTime }),
          ...(context.approvedBy === undefined ? {} : { approvedBy: context.approvedBy }),
        },
      );
      effects.metrics.count('Decisions', 1, { status: outcome.status });
      return outcome;
    },
    async readPending(target, deadlineAt) {
      const [huawei, { readPendingConnections }] = await Promise.all([
        client(),
        import('./executor/pending.ts'),
      ]);
      return readPendingConnections(huawei, target, config.huawei, deadlineAt);
    },
  };
}
