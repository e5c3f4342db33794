/**
 * The real adapters, wired once from configuration: the HTTP transport and the signed, retrying client.
 * Entry points (CLI, Lambda handlers, local stack) build one and pass it down; tests build their own.
 */
import { type Config, requireCredentials, secretValues } from './config.ts';
import { type AttemptEvent, createHuaweiClient, type HuaweiClient } from './huawei/client.ts';
import { createTransport } from './huawei/create-transport.ts';
import type { Transport } from './huawei/transport.ts';
import { createJsonLogger, type Logger } from './log.ts';

export type Runtime = { client: HuaweiClient; close(): Promise<void> };

export type RuntimeOptions = {
  logger?: Logger;
  /** Another transport (tests); by default the one VPCEP_APPROVAL_HTTP_CLIENT names. */
  transport?: Transport;
  onAttempt?: (event: AttemptEvent) => void;
  /** See TransportOptions; not called for a transport passed in. */
  onRequestWritten?: () => void;
};

/** Fails closed (ConfigError) when no credentials are configured. */
export async function createRuntime(
  config: Pick<Config, 'huawei' | 'execution'>,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const credentials = requireCredentials(config.huawei);
  const { execution } = config;
  const transport =
    options.transport ??
    (await createTransport(execution.httpClient, {
      connectTimeoutMs: execution.connectTimeoutMs,
      connectionsPerHost: execution.concurrency,
      ...(options.onRequestWritten === undefined ? {} : { onRequestWritten: options.onRequestWritten }),
    }));
  const client = createHuaweiClient({
    transport,
    credentials,
    retry: {
      maxAttempts: execution.maxAttempts,
      requestTimeoutMs: execution.requestTimeoutMs,
      baseMs: execution.backoffBaseMs,
      maxMs: execution.backoffMaxMs,
    },
    maxConcurrency: execution.concurrency,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.onAttempt === undefined ? {} : { onAttempt: options.onAttempt }),
  });
  return { client, close: () => transport.close() };
}

/** A JSON-lines logger on stderr that never writes a configured secret. */
export function createLogger(config: Config, write?: (line: string) => void): Logger {
  return createJsonLogger({
    level: config.logLevel,
    secrets: secretValues(config.huawei.credentials),
    ...(write === undefined ? {} : { write }),
  });
}
