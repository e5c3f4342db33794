/**
 * The provenance line written into a VPCEP connection's description after acting on it, so the console
 * shows who decided and why: `accepted 2026-11-26T10:00Z by alice@example.com via jira CHG-1042
 * (decision CHG-1042)`. Huawei allows 0–512 characters without `<` or `>`; the text comes from decision
 * fields (anyone's input), so each is cleaned and bounded before it reaches the cloud.
 */

/** Huawei's documented limit, applied here as UTF-8 bytes: safe whichever way the API counts. */
export const MAX_DESCRIPTION_BYTES = 512;

export type Provenance = {
  action: 'accept' | 'reject';
  /** When it was applied. */
  at: Date;
  decisionId: string;
  /** Who asked (`alice@example.com`, `slack:U123`, `rule:autoAccept`). */
  requestedBy?: string;
  /** Who approved, when people did. */
  approvedBy?: readonly string[];
  source?: { system: string; ref?: string };
  reason?: string;
  /** An operator acted without approvals (the CLI's `--break-glass`): why, said first. */
  breakGlass?: string;
};

// Each variable field gets a budget, so a long name or ticket reference cannot push the decision id
// (the key to the audit record) out of the description.
const BUDGET = { by: 96, approvedBy: 96, system: 32, ref: 64, decisionId: 128, breakGlass: 128 } as const;

/** The description for a connection; at most 512 UTF-8 bytes, no `<`, `>` or control characters. */
export function provenanceDescription(p: Provenance): string {
  const verb = p.action === 'accept' ? 'accepted' : 'rejected';
  const parts = [`${verb} ${minuteUtc(p.at)}`];
  const by = clean(p.requestedBy, BUDGET.by);
  if (by !== '') parts.push(`by ${by}`);
  const approvers = clean(p.approvedBy?.join(', '), BUDGET.approvedBy);
  // People who said no did not approve anything: a reject reads "rejected by".
  if (approvers !== '') parts.push(`${p.action === 'accept' ? 'approved' : 'rejected'} by ${approvers}`);
  const breakGlass = clean(p.breakGlass, BUDGET.breakGlass);
  if (p.breakGlass !== undefined) parts.push(`BREAK-GLASS without approvals (${breakGlass})`);
  const system = clean(p.source?.system, BUDGET.system);
  const ref = clean(p.source?.ref, BUDGET.ref);
  if (system !== '') parts.push(ref === '' ? `via ${system}` : `via ${system} ${ref}`);
  parts.push(`(decision ${clean(p.decisionId, BUDGET.decisionId)})`);
  const head = parts.join(' ');
  const reason = clean(p.reason, MAX_DESCRIPTION_BYTES);
  return truncateBytes(reason === '' ? head : `${head}: ${reason}`, MAX_DESCRIPTION_BYTES);
}

/**
 * Text made safe for a description: `<` and `>` removed (Huawei refuses them), control, line-break
 * and bidirectional-override characters turned into spaces (they could forge a second line or reorder
 * what an operator reads), runs of spaces collapsed, and cut to `maxBytes` of UTF-8.
 */
export function clean(text: string | undefined, maxBytes: number): string {
  if (text === undefined) return '';
  const cleaned = text
    .replace(/[<>]/g, '')
    .replace(/[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncateBytes(cleaned, maxBytes);
}

/** Cut to at most `maxBytes` of UTF-8, never inside a character; an ellipsis marks a cut. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  let budget = maxBytes - Buffer.byteLength(ellipsis);
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (size > budget) break;
    out += char;
    budget -= size;
  }
  return `${out.trimEnd()}${ellipsis}`;
}

/** `2026-11-26T10:00Z`: minutes are enough for a console line and keep it short. */
function minuteUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16)}Z`;
}
