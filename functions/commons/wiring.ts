/**
 * What every function does before its logic runs: read the environment with its SSM secrets, parse its
 * own configuration, build its effects. Done at the first event rather than at import (so a bad
 * setting is answered and logged, not a crash loop), and again only when a secret has rotated.
 */
import type { Context } from 'aws-lambda';
import type { LogLevel } from '../../lib/config.ts';
import type { DynamoDbSender } from '../../lib/ledger/dynamodb.ts';
import type { SnsSender } from '../../lib/outcome/sns-publisher.ts';
import type { SqsSender } from '../../lib/queue/sqs-queue.ts';
import { type Env, secretsSource } from '../../lib/secrets.ts';
import type { FunctionLog } from './powertools/logger.ts';

/**
 * What a function may be given instead of the real thing: the local stack and tests pass emulator
 * clients, and a `write` that collects log lines. Unset, each is the real adapter.
 */
export type Effects = {
  sqs?: SqsSender;
  sns?: SnsSender;
  /** The ledger's table (dynalite in the local stack and tests). */
  dynamodb?: DynamoDbSender;
  /** The time the approval loop goes by (tests move it on to see a reminder come due). */
  clock?: () => Date;
  /** Where log lines go instead of stdout. */
  write?: (line: string) => void;
};

/** What every function's configuration tells the wiring. */
export type BaseConfig = {
  /** Every secret value configured, for the log formatter to cut out of any line. */
  secrets: readonly string[];
  /** Undefined leaves the level to POWERTOOLS_LOG_LEVEL and Lambda's log-level setting. */
  logLevel: LogLevel | undefined;
  /** Things worth telling the operator once, such as which credential won. */
  notices: readonly string[];
};

export type Wired<C, D> = { config: C; deps: D };

/**
 * How a function reads its configuration: `load` parses the environment; `variables` (its
 * `<Name>Variables` shape) names every variable it reads, which are the SSM parameters it asks for
 * and the only ones its role may read (deploy/ssm-parameters.json).
 */
export type ConfigSource<C> = { load: (env: Env) => C; variables: Readonly<Record<string, unknown>> };

/** The function's configuration and deps for this invocation; a failure is retried at the next one. */
export function wiring<C extends BaseConfig, D>(
  env: Env,
  log: FunctionLog,
  config: ConfigSource<C>,
  buildDeps: (config: C) => D,
): () => Promise<Wired<C, D>> {
  const loadConfig = config.load;
  const source = secretsSource(env, Object.keys(config.variables));
  let built: { from: string; wired: Wired<C, D> } | undefined;
  return async () => {
    const current = await source();
    // Without SSM the environment never changes; with it, only a rotated secret changes it.
    const from = current === env ? '' : JSON.stringify(current);
    if (built?.from === from) return built.wired;
    const config = loadConfig(current);
    log.configure(config);
    for (const notice of config.notices) log.logger.warn(notice);
    built = { from, wired: { config, deps: buildDeps(config) } };
    return built.wired;
  };
}

/** The time a decision may use in this invocation: the remaining time less a margin to publish and reply. */
export function invocationDeadline(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  now = Date.now(),
): number {
  return now + Math.max(1_000, context.getRemainingTimeInMillis() - 3_000);
}
