/**
 * What the CLI prints on stdout: JSON for programs (the default when stdout is not a terminal, or with
 * `--output json`), a short table for people on a terminal, nothing with `--quiet`. Text output goes
 * to a terminal, so control characters in any field — a decision's reason, an API's error message —
 * are replaced: they could otherwise move the cursor, recolour or rewrite what a person reads.
 */
import type { EndpointResult, Outcome } from '../decision/outcome.ts';
import { type Target, targetKey } from '../decision/schema.ts';
import type { Connection } from '../huawei/connection-schema.ts';

export type OutputMode = 'text' | 'json' | 'quiet';

/** `--quiet` wins; then `--output`; then text on a terminal, JSON otherwise. */
export function outputMode(options: { output?: string; quiet?: boolean; isTTY?: boolean }): OutputMode {
  if (options.quiet === true) return 'quiet';
  if (options.output === 'json' || options.output === 'text') return options.output;
  return options.isTTY === true ? 'text' : 'json';
}

/** Control characters (C0, DEL, C1) shown as `?`: no escape sequence reaches the terminal. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = [header, ...rows].map((row) => row.map(printable));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function errorCell(result: EndpointResult): string {
  return result.error === undefined ? '-' : result.error.code;
}

/** The outcome for a person: one line saying what and how it went, then a row per endpoint. */
export function outcomeText(outcome: Outcome): string {
  const target = outcome.target === undefined ? 'no target' : targetKey(outcome.target as Target);
  const head = `${outcome.decisionId ?? '(no id)'}: ${outcome.action ?? '-'} on ${target}: ${outcome.status}${
    outcome.dryRun === true ? ' (dry run: CHANGED is what a real run would change)' : ''
  }`;
  const lines = [printable(head)];
  if (outcome.denial !== undefined)
    lines.push(printable(`  ${outcome.denial.code}: ${outcome.denial.message}`));
  for (const issue of outcome.issues ?? [])
    lines.push(printable(`  ${issue.path || '(root)'}: ${issue.message}`));
  // A permit or revoke: its accounts first, then the connections it acted on.
  if (outcome.accounts !== undefined && outcome.accounts.length > 0)
    lines.push(
      table(
        ['ACCOUNT', 'WHITELIST', 'CHANGED', 'CONNECTIONS', 'ERROR'],
        outcome.accounts.map((a) => [
          a.domainId,
          a.status,
          a.changed ? 'yes' : 'no',
          String(a.endpoints?.length ?? 0),
          a.error === undefined ? '-' : `${a.error.code}: ${a.error.message}`,
        ]),
      ),
    );
  if (outcome.results.length > 0) {
    lines.push(
      table(
        ['ENDPOINT', 'BEFORE', 'AFTER', 'CHANGED', 'ERROR'],
        outcome.results.map((r) => [
          r.endpointId,
          r.previousStatus ?? '-',
          r.status,
          r.changed ? 'yes' : 'no',
          errorCell(r),
        ]),
      ),
    );
    const messages = outcome.results.filter((r) => r.error !== undefined);
    for (const r of messages)
      lines.push(
        printable(
          `${r.endpointId}: ${r.error?.code}: ${r.error?.message}${r.error?.requestId ? ` (request ${r.error.requestId})` : ''}`,
        ),
      );
  }
  return `${lines.join('\n')}\n`;
}

/** A target's connections for a person. */
export function connectionsText(target: string, connections: readonly Connection[]): string {
  const count = `${connections.length} connection${connections.length === 1 ? '' : 's'}`;
  if (connections.length === 0) return `${printable(target)}: ${count}\n`;
  return `${printable(target)}: ${count}\n${table(
    ['ENDPOINT', 'STATUS', 'DOMAIN', 'ERROR'],
    connections.map((c) => [c.id, c.status, c.domainId ?? '-', c.errors?.[0]?.code ?? '-']),
  )}\n`;
}

/**
 * JSON text with DEL and the C1 controls written as `\\u` escapes: JSON.stringify escapes only those
 * below U+0020, and U+009B is a terminal's one-character CSI. The same JSON value, safe on a terminal.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes `value` as the mode asks: JSON, the given text, or nothing. */
export function emit(
  mode: OutputMode,
  write: (text: string) => void,
  value: unknown,
  text: () => string,
): void {
  if (mode === 'quiet') return;
  write(mode === 'json' ? `${terminalSafeJson(JSON.stringify(value, null, 2))}\n` : text());
}
