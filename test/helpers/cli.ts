/** Runs the CLI in-process with captured output and a given environment. */
import type { CliIo } from '../../lib/cli/io.ts';
import { runCli } from '../../lib/cli/main.ts';

export type CliRun = { code: number; stdout: string; stderr: string };

export async function runCliWith(
  argv: string[],
  env: Record<string, string | undefined>,
  stdin = '',
  options: { isTTY?: boolean; stderrIsTTY?: boolean } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => stdin,
    env,
    ...(options.isTTY === undefined ? {} : { isTTY: options.isTTY }),
    ...(options.stderrIsTTY === undefined ? {} : { stderrIsTTY: options.stderrIsTTY }),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
