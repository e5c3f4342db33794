/**
 * The real adapters, wired once from configuration: the undici pool and the signed, retrying client.
 * Entry points (CLI, Lambda handlers, local stack) build one and pass it down; tests build their own.
 */
import type { Dispatcher } from 'undici';
import { type Config, requireCredentials, secretValues } from './config.ts';
import { type AttemptEvent, createHuaweiClient, type HuaweiClient } from './huawei/client.ts';
import { createDispatcher } from './huawei/transport.ts';
import { createJsonLogger, type Logger } from './log.ts';

export type Runtime = { client: HuaweiClient; dispatcher: Dispatcher; close(): Promise<void> };

export type RuntimeOptions = {
  logger?: Logger;
  dispatcher?: Dispatcher;
  onAttempt?: (event: AttemptEvent) => void;
};

/** Fails closed (ConfigError) when no credentials are configured. */
export function createRuntime(config: Config, options: RuntimeOptions = {}): Runtime {
  const credentials = requireCredentials(config.huawei);
  const { execution } = config;
  const dispatcher =
    options.dispatcher ??
    createDispatcher({
      connectTimeoutMs: execution.connectTimeoutMs,
      connectionsPerHost: execution.concurrency,
    });
  const client = createHuaweiClient({
    dispatcher,
    credentials,
    retry: {
      maxAttempts: execution.maxAttempts,
      requestTimeoutMs: execution.requestTimeoutMs,
      baseMs: execution.backoffBaseMs,
      maxMs: execution.backoffMaxMs,
    },
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.onAttempt === undefined ? {} : { onAttempt: options.onAttempt }),
  });
  return { client, dispatcher, close: () => dispatcher.close() };
}

/** A JSON-lines logger on stderr that never writes a configured secret. */
export function createLogger(config: Config, write?: (line: string) => void): Logger {
  return createJsonLogger({
    level: config.logLevel,
    secrets: secretValues(config.huawei.credentials),
    ...(write === undefined ? {} : { write }),
  });
}
