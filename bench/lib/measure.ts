/** Timing and reporting helpers for the benchmarks. */
import { runProcess } from '../../scripts/run-process.ts';

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
export const timeProcess = runProcess;

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
