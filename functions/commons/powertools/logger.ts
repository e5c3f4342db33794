/**
 * The functions' logger: Powertools Logger (request id, cold start, function name and X-Ray trace id on
 * every line once injectLambdaContext has run; POWERTOOLS_LOG_LEVEL, POWERTOOLS_SERVICE_NAME and
 * Lambda's log-level setting honoured) with our redaction as its log formatter, so no credential
 * reaches a line, by key or by value.
 */
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { LogLevel } from '../../../lib/config.ts';
import { type Logger as LibLogger, type LogFields, redact } from '../../../lib/log.ts';

/** Powertools' standard keys, then the line's own fields, with secrets masked and cut out. */
export class RedactingLogFormatter extends LogFormatter {
  /** Secret values to cut out of every string; set once the function's configuration is known. */
  secrets: readonly string[] = [];

  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      xray_trace_id: attributes.xRayTraceId,
    };
    // Short values would mask innocent text and are not credentials anyway.
    const secrets = this.secrets.filter((s) => s.length >= 8);
    return new LogItem({ attributes: redact({ ...base, ...additional }, secrets) as LogAttributes });
  }
}

/** A Logger that writes its lines to `write` when given one (the local stack and tests), else stdout. */
class FunctionLogger extends Logger {
  sink: ((line: string) => void) | undefined;

  protected override printLog(level: number, log: LogItem): void {
    if (this.sink === undefined) {
      super.printLog(level, log);
      return;
    }
    log.prepareForPrint();
    this.sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

export type FunctionLog = {
  /** For the Powertools middlewares. */
  powertools: Logger;
  /** The same logger as lib/ speaks to it. */
  logger: LibLogger;
  /** Applies the function's configuration: its secrets, and its log level when one is set. */
  configure(settings: { secrets: readonly string[]; logLevel: LogLevel | undefined }): void;
};

export function createLogger(service: string, write?: (line: string) => void): FunctionLog {
  const formatter = new RedactingLogFormatter();
  const logger = new FunctionLogger({
    // POWERTOOLS_SERVICE_NAME wins when set, as Powertools documents.
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? service,
    logFormatter: formatter,
  });
  logger.sink = write;
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void =>
      fields === undefined ? logger[level](message) : logger[level](message, fields);
  return {
    powertools: logger,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    configure({ secrets, logLevel }) {
      formatter.secrets = secrets;
      if (logLevel !== undefined) logger.setLogLevel(logLevel.toUpperCase() as 'INFO');
    },
  };
}
