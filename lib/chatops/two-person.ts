/**
 * Approvals from chat. On a target whose rules list `approvers`, a chat click (or typed command) on one
 * connection is a person's approval, which the platform vouches for (it signed the request with the
 * user's id): it is recorded in the ledger (lib/ledger/approvals.ts) as that person's, and the decision
 * is queued once enough different people have approved in the connection's current round. The worker's
 * gate (lib/executor/gate.ts) counts again before acting, so a queued decision that is not yet
 * approved executes nothing whichever way it arrived.
 *
 * Counting is per person of the rules document: alice on Slack and alice on Feishu are one approval; a
 * user who names no listed approver is refused and records nothing. A reject needs one approver: a
 * second pair of eyes guards against letting an unknown account in, while refusing is the safe side.
 */
import { approvalsNeeded, countApprovals } from '../approval/authority.ts';
import { type Approval, approvalText, type ChatChannel } from '../approval/channels.ts';
import type { Action } from '../decision/schema.ts';
import type { ApprovalStore } from '../ledger/approvals.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { personOf, type Rules, rulesFor } from '../rules/rules.ts';
import { type ChatAllowlist, mayDecide } from './authorize.ts';

export type ChatPlatform = ChatChannel;

/** One click (or typed command) on one connection. */
export type ChatApproval = {
  platform: ChatPlatform;
  user: string;
  target: string;
  endpointId: string;
  action: Action;
  /** When the user acted, as the platform signed it (ISO); unset, when it arrived. */
  actedAt?: string | undefined;
};

export type ApprovalResult =
  | { kind: 'refused'; text: string }
  | { kind: 'waiting'; approvedBy: string[]; required: number; text: string }
  | { kind: 'queued'; action: Action; approvedBy: string[]; text: string };

export type TwoPersonDeps = {
  store: ApprovalStore;
  /** The connection's last applied decision: the approvals that count came after it. */
  ledger: Pick<Ledger, 'lastDecision'>;
  /** The chat allowlist of the click's platform. */
  allowlist: ChatAllowlist;
  /** Queues the decision, approved by these people (`alice via slack`, oldest first). */
  enqueue(approval: ChatApproval, approvedBy: string[]): Promise<void>;
};

/** The listed approver this chat user is, if any. */
export function approverOf(
  rules: Rules,
  platform: ChatPlatform,
  user: string,
  target: string,
): string | undefined {
  const person = personOf(rules, platform, user);
  return person !== undefined && rulesFor(rules, target).approvers?.includes(person) === true
    ? person
    : undefined;
}

/** Records the person's approval and queues the decision once enough different people approved. */
export async function approveFromChat(
  approval: ChatApproval,
  rules: Rules,
  deps: TwoPersonDeps,
): Promise<ApprovalResult> {
  const { platform, user, target, endpointId, action } = approval;
  const person = approverOf(rules, platform, user, target);
  if (!mayDecide(deps.allowlist, user, target) || person === undefined)
    return {
      kind: 'refused',
      text: `Sorry, you are not an approver for ${target}. Ask the platform team to add you.`,
    };
  const on = { target, endpointId, action };
  const targetRules = rulesFor(rules, target);
  const [mine, last] = await Promise.all([
    deps.store.recordVote(on, { person, channel: platform, platformId: user, votedAt: approval.actedAt }),
    deps.ledger.lastDecision(target, endpointId),
  ]);
  const votes = await deps.store.votes(on, last?.decidedAt);
  // Our own approval counts even if the read missed it; each is mapped through the rules in force.
  const approvals = [...votes, mine].flatMap((vote): Approval[] => {
    const who = personOf(rules, vote.channel, vote.platformId);
    return who === undefined ? [] : [{ person: who, channel: vote.channel }];
  });
  const counted = countApprovals(approvals, targetRules.approvers ?? []);
  const required = approvalsNeeded(targetRules, action);
  if (counted.length < required) {
    const names = counted.map((a) => a.person);
    const missing = required - counted.length;
    return {
      kind: 'waiting',
      approvedBy: names,
      required,
      text: `Approved by ${names.join(', ')} (${counted.length} of ${required}): waiting for ${
        missing > 1 ? `${missing} more approvers` : required === 2 ? 'a second approver' : 'one more approver'
      } to ${action} ${endpointId} on ${target}.`,
    };
  }
  const approvedBy = counted.slice(0, required).map(approvalText);
  await deps.enqueue(approval, approvedBy);
  const verb = action === 'accept' ? 'Approved' : 'Rejected';
  return {
    kind: 'queued',
    action,
    approvedBy,
    text: `${verb} by ${approvedBy.join(' and ')}: queued ${action} ${endpointId} on ${target}. The result will be posted here.`,
  };
}
