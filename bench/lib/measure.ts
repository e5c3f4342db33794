/** Timing and reporting helpers for the benchmarks. */
import { spawn } from 'node:child_process';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Wall time of a child process from spawn to exit, with its output. */
export function timeProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string },
) {
  return new Promise<{ ms: number; code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const started = performance.now();
      const child = spawn(command, args, {
        env: options.env,
        cwd: options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => {
        stdout += c;
      });
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    },
  );
}

export const ms = (value: number) => `${value.toFixed(0)} ms`;
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
export const ratio = (value: number) => `${value.toFixed(2)}×`;

/** A target line: PASS or MISS with what was measured against what was wanted. */
export function target(description: string, met: boolean): string {
  return `  ${met ? 'PASS' : 'MISS'}  ${description}`;
}

export function table(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`;
  return [`\n${title}`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
