/**
 * The gate: where the executor asks the approval authority (lib/approval/authority.ts) about each
 * connection it is about to act on, with the connection as Huawei just answered it and the approvals
 * the ledger holds for its current round. Every function that executes (the worker, the webhook's
 * `?wait=true`, the CLI) runs through here, so no carrier reaches the action API without its approvals.
 */
import pLimit from 'p-limit';
import { type AuthorityVerdict, authorize, needsApprovals, type Principal } from '../approval/authority.ts';
import type { Approval } from '../approval/channels.ts';
import { deniedOutcome, type EndpointResult, type Outcome } from '../decision/outcome.ts';
import { type AnyDecision, type Decision, targetKey, type WhitelistDecision } from '../decision/schema.ts';
import { VpcepApprovalError } from '../errors.ts';
import type { Connection } from '../huawei/connection-schema.ts';
import type { ApprovalStore } from '../ledger/approvals.ts';
import { personOf, type Rules, rulesFor } from '../rules/rules.ts';
import { failedResult } from './results.ts';

export type AuthorityDeps = {
  /** The rules document in force (`VPCEP_APPROVAL_RULES`). */
  rules: Rules;
  /** The approvals people gave; without it, none is known (a target that asks people is refused). */
  approvals?: Pick<ApprovalStore, 'votes'> | undefined;
};

/** Who is asking, as the executor knows it: never the decision's own `approvedBy`, which no one vouched for. */
export function principalOf(decision: AnyDecision, breakGlass: string | undefined): Principal {
  if (breakGlass !== undefined) return { kind: 'break-glass', reason: breakGlass };
  const requestedBy = decision.requestedBy ?? '';
  if (requestedBy.startsWith('rule:') && decision.source?.system === 'rules')
    return { kind: 'rule', rule: requestedBy.slice('rule:'.length) };
  return { kind: 'carrier' };
}

export type GateInput = {
  decision: Decision;
  principal: Principal;
  /** The connections to act on, as just read. */
  connections: ReadonlyArray<{ endpointId: string; current: Connection }>;
  /** When each connection's current round began: its last applied decision's `decidedAt`. */
  roundStart: (endpointId: string) => string | undefined;
  now: Date;
  concurrency: number;
  /** The target's accepted connections per account, read when a rule's accept must respect a limit. */
  countAccepted?: () => Promise<ReadonlyMap<string, number>>;
};

/** The authority's verdict per endpoint, or a failed result where the approvals could not be read. */
export async function gateConnections(
  input: GateInput,
  deps: AuthorityDeps,
): Promise<Map<string, AuthorityVerdict | EndpointResult>> {
  const { decision, principal, now } = input;
  const target = targetKey(decision.target);
  const rules = rulesFor(deps.rules, target);
  const asksPeople = principal.kind === 'carrier' && needsApprovals(rules);
  const limit = pLimit(input.concurrency);
  const verdicts = new Map<string, AuthorityVerdict | EndpointResult>();
  let acceptedByAccount: ReadonlyMap<string, number> | undefined;
  // A rule's accept under a limit, and reconcile's reject over one, are judged on what is accepted now.
  const countsLimit =
    principal.kind === 'rule' &&
    (decision.action === 'accept' || principal.rule === 'reconcile') &&
    rules.maxConnectionsPerAccount !== undefined &&
    input.countAccepted !== undefined;
  if (countsLimit && input.connections.length > 0) {
    try {
      acceptedByAccount = await input.countAccepted?.();
    } catch (error) {
      for (const { endpointId, current } of input.connections)
        verdicts.set(endpointId, failedResult(endpointId, approvalsUnavailable(error), 0, current));
      return verdicts;
    }
  }
  await Promise.all(
    input.connections.map(({ endpointId, current }) =>
      limit(async () => {
        let approvals: Approval[] = [];
        if (asksPeople && deps.approvals !== undefined) {
          try {
            const votes = await deps.approvals.votes(
              { target, endpointId, action: decision.action },
              input.roundStart(endpointId),
            );
            // Mapped through the rules in force now: an id that no longer names a person counts for nothing.
            approvals = votes.flatMap((vote) => {
              const person = personOf(deps.rules, vote.channel, vote.platformId);
              return person === undefined ? [] : [{ person, channel: vote.channel }];
            });
          } catch (error) {
            verdicts.set(endpointId, failedResult(endpointId, approvalsUnavailable(error), 0, current));
            return;
          }
        }
        verdicts.set(
          endpointId,
          authorize({
            principal,
            action: decision.action,
            rules,
            connection: { status: current.status, domainId: current.domainId, createdAt: current.createdAt },
            approvals,
            now,
            acceptedByAccount,
          }),
        );
      }),
    ),
  );
  return verdicts;
}

/** The result of an endpoint the authority held back: no call made, and why. */
export function heldResult(
  endpointId: string,
  current: Connection,
  verdict: Exclude<AuthorityVerdict, { verdict: 'allow' }>,
): EndpointResult {
  const error =
    verdict.verdict === 'await'
      ? {
          code: 'AWAITING_APPROVAL',
          message: `approved by ${verdict.have.join(', ')} (${verdict.have.length} of ${verdict.need})`,
        }
      : { code: verdict.code, message: verdict.message };
  return {
    endpointId,
    status: current.status,
    changed: false,
    ...(current.domainId === undefined ? {} : { domainId: current.domainId }),
    attempts: 0,
    error: { ...error, httpStatus: null, requestId: null, retryable: false },
  };
}

function approvalsUnavailable(error: unknown): VpcepApprovalError {
  if (error instanceof VpcepApprovalError) return error;
  return new VpcepApprovalError('LEDGER_UNAVAILABLE', 'the approvals could not be read from the ledger', {
    retryable: true,
    statusCode: 503,
    cause: error,
  });
}

/**
 * The authority for decisions on accounts (permit, revoke), asked by the whitelist executor before it
 * reads or changes anything. A permit counts as an accept and a revoke as a reject. Approvals are given
 * on connections, not accounts, so on a target that asks people only break-glass or the rules
 * themselves (`rule:manageWhitelist` where the rules keep the whitelist) may change it; an account on
 * `autoReject` is never permitted.
 */
export function whitelistGate(
  deps: AuthorityDeps,
  principal: Principal,
  now: () => Date,
): (decision: WhitelistDecision) => Promise<Outcome | undefined> {
  return async (decision) => {
    const rules = rulesFor(deps.rules, targetKey(decision.target));
    const denied = (code: string, message: string) => deniedOutcome(decision, { code, message }, now());
    if (decision.action === 'permit') {
      const refused = decision.accounts.find((a) => rules.autoReject?.includes(a.toLowerCase()));
      if (refused !== undefined)
        return denied(
          'RULES_AUTOREJECT',
          `account ${refused} is in autoReject: change the rules to let it in`,
        );
    }
    if (principal.kind === 'break-glass' || !needsApprovals(rules)) return undefined;
    if (principal.kind === 'rule' && principal.rule === 'manageWhitelist' && rules.manageWhitelist === true)
      return undefined;
    return denied(
      'APPROVALS_REQUIRED',
      `${decision.action} on a target whose rules ask ${(rules.approvers ?? []).join(', ')} needs their approval: approvals are given on connections, so change the whitelist with the rules (manageWhitelist) or break-glass`,
    );
  };
}
