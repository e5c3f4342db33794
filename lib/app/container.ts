/**
 * What a function needs, built once per container at the first event and reused: configuration (with
 * the SSM secrets laid over the environment), logger, metrics, and the AWS and Huawei clients. Each
 * client module is imported only when first used, so the webhook never loads the SNS client or undici
 * unless it executes inline, and the worker never loads the SQS client.
 */
import type { Outcome } from '../decision/outcome.ts';
import type { Decision, Target } from '../decision/schema.ts';
import { ConfigError } from '../errors.ts';
import type { Connection } from '../huawei/connection-schema.ts';
import { createJsonLogger, type Logger } from '../log.ts';
import { createEmfMetrics, type Metrics } from '../metrics.ts';
import type { OutcomePublisher, SnsOutcomePublisher, SnsSender } from '../outcome/publish.ts';
import type { DecisionQueue, SqsSender } from '../queue/enqueue.ts';
import { type Env, withSecrets } from '../secrets.ts';
import { type FunctionConfig, loadFunctionConfig, required } from './function-config.ts';

export type ContainerOverrides = {
  sqs?: SqsSender;
  sns?: SnsSender;
  /** Where log and metric lines go (tests capture them). */
  write?: (line: string) => void;
};

export type Container = {
  config: FunctionConfig;
  logger: Logger;
  metrics: Metrics;
  queue(): Promise<DecisionQueue>;
  publisher(): Promise<OutcomePublisher>;
  /** A target's connections waiting for a decision (for chat `status`). */
  readPending(target: Target, deadlineAt: number): Promise<Connection[]>;
  /** Executes a decision within `deadlineAt` and counts its outcome. */
  execute(decision: Decision, deadlineAt: number): Promise<Outcome>;
  /** Executes, then publishes; a failed publish throws. */
  executeAndPublish(decision: Decision, deadlineAt: number): Promise<Outcome>;
};

/** A memoized builder; a failed build (SSM unreachable, bad configuration) is retried at the next event. */
export function lazyContainer(env: Env, overrides: ContainerOverrides = {}): () => Promise<Container> {
  return once(() => buildContainer(env, overrides));
}

async function buildContainer(env: Env, overrides: ContainerOverrides): Promise<Container> {
  const config = loadFunctionConfig(await withSecrets(env));
  const write = overrides.write;
  const logger = createJsonLogger({
    level: config.core.logLevel,
    base: { service: config.service },
    secrets: config.secrets,
    ...(write === undefined ? {} : { write }),
  });
  for (const notice of config.core.notices) logger.warn(notice);
  const metrics = createEmfMetrics({
    namespace: 'VpcepApproval',
    service: config.service,
    ...(write === undefined ? {} : { write }),
  });

  const queue = once(async () => {
    // Statically imported inside those modules: a bundled dynamic import of the CommonJS SDK itself
    // would hand back its exports under `default`.
    const { defaultSqsClient, sqsDecisionQueue } = await import('../queue/enqueue.ts');
    return sqsDecisionQueue(
      overrides.sqs ?? defaultSqsClient(),
      required(config.queueUrl, 'DECISION_QUEUE_URL'),
    );
  });
  const publisher = once(async (): Promise<SnsOutcomePublisher> => {
    const { defaultSnsClient, snsOutcomePublisher } = await import('../outcome/publish.ts');
    return snsOutcomePublisher(
      overrides.sns ?? defaultSnsClient(),
      required(config.topicArn, 'OUTCOME_TOPIC_ARN'),
      { secrets: config.secrets },
    );
  });
  // Every execution is followed by a publish. On a cold start the SNS client costs ~40 ms of CPU (its
  // modules, then first-use work in its first publish); done while the execution's first Huawei request
  // waits for its answer, that time overlaps the network instead of adding to it. A failure here is
  // left for the publish itself to report.
  let warmPublisherAtNextRequest = false;
  const warmPublisher = once(async () => (await publisher()).warmUp());
  const runtime = once(async () => {
    const { createRuntime } = await import('../runtime.ts');
    return createRuntime(config.core, {
      logger,
      onAttempt: (event) => {
        metrics.count('ApiCalls', 1, { op: event.op });
        if (event.attempt > 1) metrics.count('ApiRetries', 1, { op: event.op });
        metrics.timing('ApiLatency', event.durationMs, { op: event.op });
        // Throttled calls, and the spacing the host's governor keeps between attempts once it has a rate.
        if (event.throttled) metrics.count('ApiThrottled', 1, { op: event.op });
        if (event.governor.ratePerSec !== null)
          metrics.timing('ApiGovernorIntervalMs', 1_000 / event.governor.ratePerSec, { op: event.op });
      },
      onRequestWritten: () => {
        if (!warmPublisherAtNextRequest) return;
        warmPublisherAtNextRequest = false;
        warmPublisher().catch(() => undefined);
      },
    });
  });
  const executor = once(async () => {
    const [{ client }, { executeDecision }] = await Promise.all([
      runtime(),
      import('../executor/execute.ts'),
    ]);
    return (decision: Decision, deadlineAt: number) =>
      executeDecision(
        decision,
        { client, config: config.core, logger, secrets: config.secrets },
        { deadlineAt },
      );
  });
  const readPending = async (target: Target, deadlineAt: number) => {
    const [{ client }, { listConnections }, { resolveTarget }] = await Promise.all([
      runtime(),
      import('../huawei/connections.ts'),
      import('../decision/target.ts'),
    ]);
    const resolution = resolveTarget(target, config.core.huawei);
    if (!resolution.ok)
      throw new ConfigError(
        resolution.issues[0]?.path ?? 'target',
        resolution.issues[0]?.message ?? 'incomplete',
      );
    const read = await listConnections(client, resolution.api, { deadlineAt });
    if (!read.ok) throw read.error;
    return read.body.filter((c) => c.status === 'pendingAcceptance');
  };

  const execute = async (decision: Decision, deadlineAt: number) => {
    warmPublisherAtNextRequest = true;
    const outcome = await (await executor())(decision, deadlineAt);
    metrics.count('Decisions', 1, { status: outcome.status });
    return outcome;
  };
  return {
    config,
    logger,
    metrics,
    queue,
    publisher,
    execute,
    readPending,
    async executeAndPublish(decision, deadlineAt) {
      const outcome = await execute(decision, deadlineAt);
      await (await publisher()).publish(outcome);
      return outcome;
    },
  };
}

/** Builds on first use and keeps the result; a failed build is forgotten, so the next use tries again. */
function once<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}

/** The time a decision may use in this invocation: the remaining time less a margin to publish and reply. */
export function invocationDeadline(remainingMs: number, now = Date.now()): number {
  return now + Math.max(1_000, remainingMs - 3_000);
}
