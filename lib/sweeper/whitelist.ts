/**
 * Whitelist upkeep by the rules (`"manageWhitelist": true` on a target): each sweep permits the
 * `autoAccept` accounts missing from the whitelist; with `"exclusiveWhitelist": true` it also revokes
 * the accounts that are neither `autoAccept` nor approved before. "Approved before": the account's
 * entry was last permitted by a decision of ours, or one of its connections now listed was last
 * accepted by one, or was already accepted when the first sweep adopted the target. Never revoked: the owner's own account, and an account with a connection still pending
 * (people are being asked about it; once decided, the next sweep judges it). Without the owner's
 * account known, nothing is revoked: exclusivity fails closed. Every change is a queued decision.
 */
import type { AnyDecisionInput } from '../decision/schema.ts';
import { targetFromKey } from '../decision/schema.ts';
import { accountOfLedgerKey } from '../ledger/accounts.ts';
import type { TargetRules } from '../rules/schema.ts';
import type { TargetView } from './target-view.ts';

export const MANAGE_WHITELIST_RULE = 'manageWhitelist';
const REQUESTED_BY = `rule:${MANAGE_WHITELIST_RULE}`;

export type WhitelistPlan = {
  permit: string[];
  revoke: string[];
  /** Why some upkeep could not be planned (it fails closed), for the sweep's errors. */
  problem?: string;
};

export function planWhitelist(rules: TargetRules, view: TargetView): WhitelistPlan {
  if (rules.manageWhitelist !== true) return { permit: [], revoke: [] };
  const trusted = new Set(rules.autoAccept ?? []);
  const rejected = new Set(rules.autoReject ?? []);
  // autoReject wins over autoAccept, as it does for connections: such an account is never permitted.
  const permit = [...trusted].filter((d) => !rejected.has(d) && !view.whitelist.accounts.has(d)).sort();
  if (rules.exclusiveWhitelist !== true) return { permit, revoke: [] };
  const owner = view.location.ownerDomainId?.toLowerCase();
  if (owner === undefined)
    return {
      permit,
      revoke: [],
      problem: "exclusiveWhitelist needs the owner's account (its domainId) to keep it; nothing was removed",
    };
  const keep = new Set([owner, ...approvedBefore(view), ...waiting(view)]);
  const revoke = [...view.whitelist.accounts]
    .filter((d) => (!trusted.has(d) || rejected.has(d)) && !keep.has(d))
    .sort();
  const problem = view.whitelist.everyone
    ? 'the whitelist lets every account in (*): exclusiveWhitelist removes named accounts only'
    : undefined;
  return { permit, revoke, ...(problem === undefined ? {} : { problem }) };
}

/** Accounts a decision of ours permitted last, or whose listed connection we accepted last. */
function approvedBefore(view: TargetView): string[] {
  const approved: string[] = [];
  for (const [key, record] of view.last) {
    const account = accountOfLedgerKey(key);
    if (account !== undefined && record.action === 'permit') approved.push(account);
  }
  for (const c of view.connections) {
    const record = view.last.get(c.endpointId.toLowerCase());
    // Accepted before the tool's first sweep counts as approved too: live traffic someone let in.
    const adoptedAccepted =
      record?.action === 'external' && record.requestedBy === 'baseline' && record.status === 'accepted';
    if ((record?.action === 'accept' || adoptedAccepted) && c.domainId !== undefined)
      approved.push(c.domainId.toLowerCase());
  }
  return approved;
}

function waiting(view: TargetView): string[] {
  return view.connections
    .filter((c) => c.status === 'pendingAcceptance' && c.domainId !== undefined)
    .map((c) => (c.domainId as string).toLowerCase());
}

/** The id of an upkeep decision: the same for every sweep that plans the same change (deduplicated). */
export function whitelistDecisionId(action: 'permit' | 'revoke', target: string, domainId: string): string {
  return `rules:${action}:${target.slice(target.indexOf(':') + 1).toLowerCase()}:${domainId}`;
}

/** The decisions a plan queues: one per account, so each has its own outcome and ledger record. */
export function whitelistDecisions(target: string, plan: WhitelistPlan): AnyDecisionInput[] {
  const parsed = targetFromKey(target);
  if (parsed === undefined) throw new RangeError(`not a target key: ${target}`);
  const one = (action: 'permit' | 'revoke', domainId: string): AnyDecisionInput => ({
    id: whitelistDecisionId(action, target, domainId),
    action,
    target: parsed,
    accounts: [domainId],
    reason:
      action === 'permit'
        ? `account ${domainId} is in autoAccept and missing from the whitelist`
        : `account ${domainId} is neither in autoAccept nor approved before (exclusiveWhitelist)`,
    requestedBy: REQUESTED_BY,
    source: { system: 'rules', ref: MANAGE_WHITELIST_RULE },
  });
  return [...plan.permit.map((d) => one('permit', d)), ...plan.revoke.map((d) => one('revoke', d))];
}
