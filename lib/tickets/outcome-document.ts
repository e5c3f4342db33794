/**
 * The outcome as a person reads it on a ticket: one status line, one line per endpoint with its state
 * and any error (Huawei's code and request id), who decided and why, and a marker that lets a
 * redelivered outcome be recognised.
 */
import { createHash } from 'node:crypto';
import type { OutcomeStatus } from '../decision/outcome.ts';
import {
  type Block,
  code,
  type Inline,
  oneLine,
  paragraph,
  strong,
  type TicketDocument,
  text,
} from './document.ts';
import type { TicketOutcome } from './outcome-message.ts';

/**
 * Every status of the outcome contract in words — `satisfies` makes a status added to
 * OUTCOME_STATUSES fail to compile here until it has its words — plus per-endpoint verdicts that may
 * reach the outcome level. Anything else is shown as it is.
 */
const CONTRACT_HEADLINES = {
  succeeded: 'Succeeded',
  partial: 'Partly done',
  failed: 'Failed',
  in_progress: 'In progress',
  invalid: 'Invalid decision',
  denied: 'Denied by policy',
  awaiting_approval: 'Awaiting approval',
  superseded: 'Superseded by a later decision',
  expired: 'Expired before it was applied',
} satisfies Record<OutcomeStatus, string>;

const HEADLINES: Readonly<Record<string, string>> = CONTRACT_HEADLINES;

export function headline(status: string): string {
  return HEADLINES[status] ?? `Status ${oneLine(status, 40)}`;
}

/**
 * `vpcep.<24 hex>`: a hash of what the outcome says (decision, status, each endpoint's state and error
 * code) and not of when it ran, so a redelivery or a replay that reaches the same result is the same
 * message. Only letters, digits and a dot, so no renderer's escaping can change it.
 */
export function outcomeMarker(outcome: TicketOutcome): string {
  const content = JSON.stringify([
    outcome.decisionId,
    outcome.action ?? null,
    outcome.status,
    outcome.results.map((r) => [r.endpointId, r.status, r.error?.code ?? null]),
    outcome.denial?.code ?? null,
    outcome.issues?.map((i) => i.path) ?? null,
  ]);
  return `vpcep.${createHash('sha256').update(content).digest('hex').slice(0, 24)}`;
}

export function outcomeDocument(outcome: TicketOutcome, marker: string): TicketDocument {
  const blocks: Block[] = [];
  const action = outcome.action === undefined ? 'Decision' : `${capitalise(oneLine(outcome.action, 20))}`;
  blocks.push(
    paragraph(
      strong(`${headline(outcome.status)}`),
      text(` — ${action}${targetText(outcome)}${outcome.dryRun ? ' (dry run: nothing was changed)' : ''}`),
    ),
  );
  if (outcome.results.length > 0) blocks.push({ kind: 'bullets', items: outcome.results.map(resultLine) });
  const problems = [
    ...(outcome.issues ?? []).map((i) => [
      text(`${oneLine(i.path || '(decision)', 100)}: ${oneLine(i.message)}`),
    ]),
    ...(outcome.denial === undefined
      ? []
      : [[code(oneLine(outcome.denial.code, 64)), text(` ${oneLine(outcome.denial.message)}`)]]),
  ];
  if (problems.length > 0) blocks.push({ kind: 'bullets', items: problems });
  const who: Inline[] = [text(`Decision ${oneLine(outcome.decisionId ?? 'unknown', 128)}`)];
  if (outcome.requestedBy !== undefined) who.push(text(`, decided by ${oneLine(outcome.requestedBy, 256)}`));
  if (outcome.approvedBy !== undefined && outcome.approvedBy.length > 0)
    who.push(text(`, approved by ${oneLine(outcome.approvedBy.join(' and '), 512)}`));
  if (outcome.reason !== undefined && oneLine(outcome.reason) !== '')
    who.push(text(`. Reason: ${oneLine(outcome.reason, 1024)}`));
  blocks.push(paragraph(...who));
  blocks.push(paragraph(text(`vpcep-approval ${marker}`)));
  return blocks;
}

function resultLine(r: TicketOutcome['results'][number]): Inline[] {
  const line: Inline[] = [code(oneLine(r.endpointId, 64)), text(` ${oneLine(r.status, 40)}`)];
  if (r.changed === false) line.push(text(' (unchanged)'));
  if (r.error !== undefined) {
    line.push(text(' — error '), code(oneLine(r.error.code, 64)));
    if (r.error.requestId) line.push(text(', request id '), code(oneLine(r.error.requestId, 128)));
    if (r.error.message) line.push(text(`: ${oneLine(r.error.message, 300)}`));
  }
  return line;
}

function targetText(outcome: TicketOutcome): string {
  const t = outcome.target;
  if (t === undefined) return '';
  const id = t.type === 'apig' ? t.instanceId : t.serviceId;
  const kind = t.type === 'apig' ? 'APIG gateway' : 'VPC endpoint service';
  return ` on ${kind} ${oneLine(id ?? 'unknown', 64)}${t.region ? ` (${oneLine(t.region, 32)})` : ''}`;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
