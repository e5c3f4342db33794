/** What the CLI needs from its process, injected so tests run it in-process. */
import { ValidationError } from '../errors.ts';

export type CliIo = {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal: text for a person then, JSON otherwise. */
  isTTY?: boolean;
  /** Whether stderr is a terminal: logs as text for a person then, JSON lines otherwise. */
  stderrIsTTY?: boolean;
};

/** A decision is small; anything larger is a mistake (or an attack) and is refused before parsing. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** Reads `--file <path|->`; a missing or unreadable file is an input error naming `--file`. */
export async function readInput(file: string | undefined, io: CliIo): Promise<string> {
  if (file === undefined)
    throw new ValidationError(
      [{ path: '--file', message: 'required (a path, or - for stdin)' }],
      'invalid arguments',
    );
  let text: string;
  try {
    // node:fs/promises only for a path: a decision piped on stdin does not load it.
    text =
      file === '-' ? await io.readStdin() : await (await import('node:fs/promises')).readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ValidationError(
      [{ path: '--file', message: `cannot read ${file}: ${reason}` }],
      'invalid arguments',
    );
  }
  // Windows editors (Notepad, PowerShell's Out-File) start UTF-8 files with a byte-order mark, which
  // JSON.parse refuses; it carries no content, so it is dropped.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    throw new ValidationError(
      [{ path: '--file', message: `larger than ${MAX_INPUT_BYTES} bytes` }],
      'invalid arguments',
    );
  }
  return text;
}

export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.from(chunk as Buffer);
    size += buffer.length;
    // Stop reading early: the size check in readInput reports it.
    if (size > MAX_INPUT_BYTES + 1) return Buffer.concat([...chunks, buffer]).toString('utf8');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: readAllStdin,
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
};
