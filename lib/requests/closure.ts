/**
 * How a connection was decided, as every channel of its approval request is told when the request is
 * closed: from an applied outcome (the outcome notifier), from the ledger's last applied decision, or
 * from the status the sweep saw in Huawei Cloud when nobody here decided it (the console).
 */
import type { Outcome } from '../decision/outcome.ts';
import { targetKey } from '../decision/schema.ts';
import type { AppliedDecision, RequestClosure } from '../ledger/ledger.ts';

/** The states a decision brings a connection to; only these close a request. */
/** What each action leaves a connection as: a permit accepts (its pending ones), a revoke rejects. */
const DECIDED: Record<'accept' | 'reject' | 'permit' | 'revoke', string> = {
  accept: 'accepted',
  reject: 'rejected',
  permit: 'accepted',
  revoke: 'rejected',
};

/** Who decided: the approvers vouched for, else who asked. */
function decidedBy(approvedBy: readonly string[] | undefined, requestedBy: string | undefined): string {
  if (approvedBy !== undefined && approvedBy.length > 0) return approvedBy.join(' and ');
  return requestedBy ?? 'unknown';
}

/**
 * Who decided and how, for a person to read: `alice via slack and bob via jira` already names each
 * approval's channel, so the carrier is said only of a decision without vouched approvals.
 */
export function whoAndHow(closure: Pick<RequestClosure, 'by' | 'via'>): string {
  return closure.by.includes(' via ') ? closure.by : `${closure.by} via ${closure.via}`;
}

/** How it arrived: the carrier, with the ticket for a ticket system (`jira OPS-12`). */
function carrier(source: { system: string; ref?: string | undefined } | undefined): string {
  if (source === undefined) return 'api';
  const ticket = ['jira', 'jsm', 'servicenow'].includes(source.system) && source.ref !== undefined;
  return ticket ? `${source.system} ${source.ref}` : source.system;
}

/**
 * The requests an applied outcome closes: each endpoint brought to (or found in) the state the
 * decision wanted. A dry run, a refusal or a failure closes nothing.
 */
export function closuresOf(
  outcome: Outcome,
): Array<{ target: string; endpointId: string; closure: RequestClosure }> {
  if (outcome.dryRun === true || outcome.action === undefined || outcome.target === undefined) return [];
  const wanted = DECIDED[outcome.action];
  const target = targetKey(outcome.target);
  return outcome.results
    .filter((r) => r.status === wanted)
    .map((r) => ({
      target,
      endpointId: r.endpointId,
      closure: {
        result: wanted,
        by: decidedBy(outcome.approvedBy, outcome.requestedBy),
        via: carrier(outcome.source),
        at: outcome.decidedAt ?? outcome.finishedAt,
        ...(outcome.decisionId === null ? {} : { decisionId: outcome.decisionId }),
      },
    }));
}

/** The closure of a connection the ledger says was decided here. */
export function closureFromDecision(decision: AppliedDecision): RequestClosure {
  return {
    result: decision.status ?? (decision.action === 'external' ? 'changed' : DECIDED[decision.action]),
    by: decidedBy(decision.approvedBy, decision.requestedBy),
    via: carrier(decision.source),
    at: decision.decidedAt,
    decisionId: decision.decisionId,
  };
}

/** The closure of a connection decided outside (the console), as the sweep found it. */
export function closureFromStatus(status: string | undefined, seenAt: Date): RequestClosure {
  return {
    result: status === 'accepted' || status === 'rejected' ? status : 'no longer pending',
    by: 'someone outside vpcep-approval',
    via: 'console',
    at: seenAt.toISOString(),
  };
}
