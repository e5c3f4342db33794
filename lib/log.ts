/**
 * The logger lib/ talks to: structured, one JSON object per line. Anything that looks like a credential
 * is masked before it is written, so a careless field cannot leak the AK/SK or a token.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export type Logger = {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
};

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are never written: secrets, tokens, signatures, authorization headers. */
const SECRET_KEY =
  /(^|[-_.])(sk|ak|secret|password|token|authorization|signature|credentials?)$|secret|token/i;

export const REDACTED = '[redacted]';

/**
 * A copy of `value` with secret-looking keys masked at any depth, known secret values cut out of every
 * string, and errors reduced to name, code and message (never a stack).
 */
export function redact(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (depth > 8) return '[too deep]';
  if (typeof value === 'string') return scrub(value, secrets);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const message = scrub(value.message, secrets);
    return { name: value.name, message, ...(code === undefined ? {} : { code }) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? REDACTED : redact(inner, secrets, depth + 1);
    }
    return out;
  }
  return value;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
  return out;
}

export type JsonLoggerOptions = {
  level?: LogLevel;
  /** Where lines go; the CLI writes to stderr so stdout stays the outcome JSON. */
  write?: (line: string) => void;
  /** Fields on every line, such as the decision id. */
  base?: LogFields;
  clock?: () => Date;
  /** Secret values (AK, SK, tokens) to cut out of any string that reaches a log line. */
  secrets?: readonly string[];
};

export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());
  // Short values would mask innocent text and are not credentials anyway.
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold) return;
    const record = { level, time: clock().toISOString(), message, ...options.base, ...fields };
    write(JSON.stringify(redact(record, secrets)));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Writes nothing: the default where no logger is given. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
