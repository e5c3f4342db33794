/**
 * The command line, read without node:util's parseArgs: its messages (`Unknown option '--dryrun'. To
 * specify a positional argument starting with a '-', …`) speak to programmers, and it cannot suggest.
 * Every option is accepted by every command, as before; what a command does not use it ignores.
 */
import { ValidationError } from '../errors.ts';
import { usageError } from './report.ts';
import { didYouMean } from './suggest.ts';

export const COMMANDS = ['decide', 'validate', 'status', 'pending', 'history', 'whitelist', 'sweep'] as const;

const OPTIONS = {
  file: 'string',
  'dry-run': 'boolean',
  'break-glass': 'string',
  target: 'string',
  endpoint: 'string',
  rules: 'string',
  estate: 'string',
  output: 'string',
  'log-format': 'string',
  quiet: 'boolean',
  version: 'boolean',
  help: 'boolean',
} as const;

type OptionName = keyof typeof OPTIONS;
const SHORT: Readonly<Record<string, OptionName>> = { q: 'quiet', V: 'version', h: 'help' };
const NAMES = Object.keys(OPTIONS) as OptionName[];

export type CliArgs = {
  /** The first word that is not an option, if any. */
  command: string | undefined;
  /** Words after the command (only `help <command>` takes one). */
  extra: string[];
  /** The first thing wrong with the command line: reported with the usage of `command`. */
  problem?: ValidationError;
  values: {
    file?: string;
    'dry-run'?: boolean;
    'break-glass'?: string;
    target?: string;
    endpoint?: string;
    rules?: string;
    estate?: string;
    output?: string;
    'log-format'?: string;
    quiet?: boolean;
    version?: boolean;
    help?: boolean;
  };
};

/**
 * Reads argv. An unknown option, or one without its value, is the `problem` (a usage error naming it);
 * the rest is still read, so the report can show the usage of the command it was meant for.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const positionals: string[] = [];
  const values: Record<string, string | boolean> = {};
  let problem: ValidationError | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    try {
      i = readArg(argv, i, positionals, values);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problem ??= error;
    }
  }
  const [command, ...extra] = positionals;
  return {
    command,
    extra,
    values: values as CliArgs['values'],
    ...(problem === undefined ? {} : { problem }),
  };
}

/** Reads the argument at `i` (and its value); returns the index of the last one it used. */
function readArg(
  argv: readonly string[],
  i: number,
  positionals: string[],
  values: Record<string, string | boolean>,
): number {
  const arg = argv[i] as string;
  if (arg === '--') {
    positionals.push(...argv.slice(i + 1));
    return argv.length;
  }
  if (arg === '-' || !arg.startsWith('-')) {
    positionals.push(arg);
    return i;
  }
  const equals = arg.indexOf('=');
  const written = equals === -1 ? arg : arg.slice(0, equals);
  const name = optionName(written);
  if (OPTIONS[name] === 'boolean') {
    if (equals !== -1) throw usageError('takes no value', written);
    values[name] = true;
    return i;
  }
  const next = argv[i + 1];
  if (equals !== -1) values[name] = arg.slice(equals + 1);
  else if (next !== undefined && (next === '-' || !next.startsWith('-'))) {
    values[name] = next;
    return i + 1;
  } else throw usageError('needs a value', written);
  return i;
}

function optionName(written: string): OptionName {
  if (/^-[^-]$/.test(written)) {
    const name = SHORT[written.slice(1)];
    if (name !== undefined) return name;
    // One letter is one edit from every other: no suggestion, which would be a guess.
    throw usageError('unknown option', written);
  }
  const name = written.slice(2);
  if (written.startsWith('--') && (NAMES as string[]).includes(name)) return name as OptionName;
  throw usageError(
    `unknown option${didYouMean(
      written,
      NAMES.map((n) => `--${n}`),
    )}`,
    written,
  );
}

/** Throws a usage error for a word that is not a command, suggesting the one it resembles. */
export function checkCommand(command: string): void {
  if (!(COMMANDS as readonly string[]).includes(command))
    throw usageError(`unknown command${didYouMean(command, COMMANDS)}`, command);
}
