/**
 * Two-person approval of a chat decision. With `approvalsRequired: 2` in a target's rules, an accept
 * from chat records one approval and answers that it waits for a second; the decision is queued when a
 * *different* approver agrees. The votes live in the ledger (ledger/approvals.ts), so approvers may
 * click in different containers, minutes apart; the decision is claimed by one conditional write, so
 * two approvers agreeing at the same moment queue it once.
 *
 * A reject by an allowed approver decides at once: a second pair of eyes guards against letting an
 * unknown account in, while refusing a connection is the safe side (the consumer can ask again) and
 * waiting for a second person would leave it pending. `approvers` (per target and platform) limits who
 * may decide at all, on top of the chat allowlists; an approver is `<platform>:<user>`, so the same
 * person clicking twice counts once (the same person on Slack and on Feishu counts as two identities).
 */
import type { Action } from '../decision/schema.ts';
import type { ApprovalStore, ConnectionAction, Vote } from '../ledger/approvals.ts';
import type { TargetRules } from '../rules/schema.ts';
import { type ChatAllowlist, mayDecide } from './authorize.ts';

export type ChatPlatform = 'slack' | 'feishu' | 'dingtalk' | 'wecom';

/** One click (or typed command) on one connection. */
export type ChatApproval = {
  platform: ChatPlatform;
  user: string;
  target: string;
  endpointId: string;
  action: Action;
};

export type ApprovalResult =
  | { kind: 'refused'; text: string }
  | { kind: 'waiting'; approvedBy: string[]; required: number; text: string }
  | { kind: 'queued'; action: Action; approvedBy: string[]; text: string }
  | { kind: 'already_decided'; action: Action; approvedBy: string[]; text: string };

export type TwoPersonDeps = {
  store: ApprovalStore;
  /** The chat allowlist of the click's platform. */
  allowlist: ChatAllowlist;
  /** Queues the decision, approved by these approvers (oldest vote first). */
  enqueue(approval: ChatApproval, approvedBy: string[]): Promise<void>;
};

/** `<platform>:<user>`: how an approver is recorded and named. */
export const approverId = (platform: ChatPlatform, user: string) => `${platform}:${user}`;

/**
 * Whether the rules let this user decide on the target. Without `approvers` anyone the allowlist
 * allows may; with it, only those listed for the platform (a platform left out lists nobody).
 */
export function isApprover(
  approvers: TargetRules['approvers'],
  platform: ChatPlatform,
  user: string,
): boolean {
  if (approvers === undefined) return true;
  return (approvers[platform] ?? []).includes(user);
}

/** The distinct approvers among the votes, oldest first, and whether they are enough. */
export function tally(votes: readonly Vote[], required: number): { approvedBy: string[]; enough: boolean } {
  const approvedBy = [...new Set(votes.map((v) => v.approver))];
  return { approvedBy, enough: approvedBy.length >= required };
}

/**
 * Records the approval and queues the decision once enough distinct approvers agree. A failure to
 * queue gives the claim back and is thrown, so the next click (or the platform's retry) queues it.
 */
export async function approveFromChat(
  approval: ChatApproval,
  rules: Pick<TargetRules, 'approvalsRequired' | 'approvers'>,
  deps: TwoPersonDeps,
): Promise<ApprovalResult> {
  const { platform, user, target, endpointId, action } = approval;
  if (!mayDecide(deps.allowlist, user, target) || !isApprover(rules.approvers, platform, user))
    return {
      kind: 'refused',
      text: `Sorry, you are not an approver for ${target}. Ask the platform team to add you.`,
    };
  const on: ConnectionAction = { target, endpointId, action };
  const me = approverId(platform, user);
  // A reject needs one allowed approver (see the module comment); an accept needs approvalsRequired.
  const required = action === 'reject' ? 1 : (rules.approvalsRequired ?? 1);
  await deps.store.recordVote(on, me);
  // Our own vote counts even if the read missed it (a clock gone wrong could expire it at once).
  const votes = [...(await deps.store.votes(on)), { approver: me, votedAt: '' }];
  const { approvedBy, enough } = tally(votes, required);
  if (!enough) {
    const missing = required - approvedBy.length;
    return {
      kind: 'waiting',
      approvedBy,
      required,
      text: `Approved by ${approvedBy.join(', ')} (${approvedBy.length} of ${required}): waiting for ${
        missing > 1 ? `${missing} more approvers` : required === 2 ? 'a second approver' : 'one more approver'
      } to ${action} ${endpointId} on ${target}.`,
    };
  }
  const deciders = approvedBy.slice(0, required);
  const claim = await deps.store.claimDecision(on, deciders);
  if (!claim.claimed)
    return {
      kind: 'already_decided',
      action,
      approvedBy: claim.approvedBy,
      text: `Already decided: ${action} ${endpointId} on ${target}, approved by ${claim.approvedBy.join(' and ')}.`,
    };
  try {
    await deps.enqueue(approval, deciders);
  } catch (error) {
    await deps.store.releaseDecision(on);
    throw error;
  }
  return {
    kind: 'queued',
    action,
    approvedBy: deciders,
    text: `Approved by ${deciders.join(' and ')}: queued ${action} ${endpointId} on ${target}. The result will be posted here.`,
  };
}
