/**
 * The CLI's logs, on stderr. A person at a terminal reads lines such as `warn: will be retried
 * (endpointId=…, attempt=1)`, and by default only warnings and errors (VPCEP_APPROVAL_LOG_LEVEL still
 * asks for more); a program (stderr not a terminal) or `--log-format json` gets the JSON lines the
 * functions write. Either way secrets are masked (lib/log.ts) and, as text, control characters are
 * shown as `?` like the tables.
 */

import { type Config, secretValues } from '../config.ts';
import { createJsonLogger, type LogFields, type Logger, type LogLevel, redact } from '../log.ts';
import { printable, terminalSafeJson } from './output.ts';

export type LogFormat = 'text' | 'json';

export type LogSettings = {
  /** `--log-format`; unset: text when stderr is a terminal, JSON otherwise. */
  format?: LogFormat;
  stderrIsTTY?: boolean;
  /** `--quiet`: errors only. */
  quiet: boolean;
  /** Whether VPCEP_APPROVAL_LOG_LEVEL was set: then its level holds on a terminal too. */
  levelSet: boolean;
};

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export function logFormat(settings: LogSettings): LogFormat {
  return settings.format ?? (settings.stderrIsTTY === true ? 'text' : 'json');
}

export function cliLogger(config: Config, settings: LogSettings, write: (line: string) => void): Logger {
  const format = logFormat(settings);
  const level: LogLevel = settings.quiet
    ? 'error'
    : format === 'text' && !settings.levelSet
      ? 'warn'
      : config.logLevel;
  const secrets = secretValues(config.huawei.credentials);
  if (format === 'json')
    return createJsonLogger({ level, secrets, write: (line) => write(terminalSafeJson(line)) });
  return createTextLogger(level, secrets, write);
}

/** `level: message (key=value, …)`, one line each. */
export function createTextLogger(
  level: LogLevel,
  secrets: readonly string[],
  write: (line: string) => void,
): Logger {
  const threshold = LEVELS[level];
  const masked = secrets.filter((s) => s.length >= 8);
  const emit = (at: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVELS[at] < threshold) return;
    const safe = redact({ message, fields: fields ?? {} }, masked) as { message: string; fields: LogFields };
    const pairs = Object.entries(safe.fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    write(printable(`${at}: ${safe.message}${pairs.length === 0 ? '' : ` (${pairs.join(', ')})`}`));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
