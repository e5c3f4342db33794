/**
 * The approval request as people read it in chat, and raising it in the chats that are configured.
 * `raiseInChats` has the shape of the sweep's `raiseApprovalRequest`: Slack (`chat.postMessage` to
 * `SLACK_APPROVAL_CHANNEL`) and Feishu/Lark (a card to `FEISHU_APPROVAL_CHAT_ID`) each get the message
 * with Accept / Reject buttons, which come back through the chat functions' button handlers. With no
 * chat configured nothing is posted: tickets or SNS may be how people are asked.
 */
import type { Action } from '../decision/schema.ts';
import { VpcepApprovalError } from '../errors.ts';
import type { ApprovalRequest, ChannelHandle, RequestClosure } from '../ledger/ledger.ts';
import type { RequestChannel } from '../sweeper/raise.ts';
import type { ApprovalRequestEvent, RequestDigest } from '../sweeper/request-event.ts';
import type { ButtonValue } from './payloads.ts';

/** What every approval message shows, whichever chat it goes to. */
export type ApprovalFacts = {
  target: string;
  endpointId: string;
  /** The consumer's account (`domain_id`), or `unknown`. */
  consumer: string;
  /** When the connection was requested, as Huawei reported it, or `unknown`. */
  requestedAt: string;
  /**
   * On the endpoint service's whitelist in Huawei Cloud (who may create endpoints at all); undefined
   * when the sweep could not read it. The rule line says why people are asked.
   */
  whitelisted: boolean | undefined;
  rule: string;
  reason: string;
  approvalsRequired: number;
  reminder: number;
};

export function approvalFacts(event: ApprovalRequestEvent): ApprovalFacts {
  return {
    target: event.target,
    endpointId: event.endpointId,
    consumer: event.domainId ?? 'unknown',
    requestedAt: event.createdAt ?? 'unknown',
    whitelisted: event.whitelisted,
    rule: event.rule,
    reason: event.reason,
    approvalsRequired: event.approvalsRequired,
    reminder: event.reminder,
  };
}

/** The value both chats' buttons carry: what the existing button handlers parse as a command. */
export function buttonValue(facts: ApprovalFacts, action: Action): ButtonValue {
  return { action, target: facts.target, endpoint: facts.endpointId };
}

export function approvalTitle(facts: ApprovalFacts): string {
  return facts.reminder === 0
    ? 'VPC endpoint connection waiting for approval'
    : `Reminder ${facts.reminder}: VPC endpoint connection still waiting for approval`;
}

/** Plain lines (label, value), escaped by each chat's message builder. */
export function approvalLines(facts: ApprovalFacts): Array<[string, string]> {
  return [
    ['Target', facts.target],
    ['Endpoint', facts.endpointId],
    ['Consumer account', facts.consumer],
    ['Requested at', facts.requestedAt],
    ['Whitelisted', facts.whitelisted === undefined ? 'unknown' : facts.whitelisted ? 'yes' : 'no'],
    ['Rule', `${facts.rule}: ${facts.reason}`],
    ...(facts.approvalsRequired > 1
      ? [['Approvals needed', `${facts.approvalsRequired} different approvers to accept`] as [string, string]]
      : []),
  ];
}

/** One chat the request goes to: posts it and answers what finds the message again, or throws. */
export type ApprovalChat = {
  name: 'slack' | 'feishu' | 'dingtalk' | 'wecom';
  post(facts: ApprovalFacts): Promise<ChannelHandle>;
  /** One message naming the requests a sweep left for later ones (a flood). */
  postDigest?(digest: RequestDigest): Promise<void>;
};

/** Each chat as a channel of the sweep: the request and each reminder are a message with buttons. */
export function chatChannels(chats: readonly ApprovalChat[]): RequestChannel[] {
  return chats.map((chat) => ({
    name: chat.name,
    raise: (event) => chat.post(approvalFacts(event)),
    remind: (event) => chat.post(approvalFacts(event)),
  }));
}

/** The digest in plain words, escaped by each chat's message builder. */
export function digestText(digest: RequestDigest): string {
  const accounts = digest.byAccount.map((a) => `${a.account}: ${a.count}`).join(', ');
  return (
    `${digest.raised + digest.deferred} VPC endpoint connections on ${digest.target} wait for approval: ` +
    `${digest.raised} asked about one by one above, ${digest.deferred} more to be asked about by the next sweeps ` +
    `(by consumer account: ${accounts}).`
  );
}

/** Posts the digest to every chat that takes one; fails naming the chats that did not. */
export function digestInChats(chats: readonly ApprovalChat[]) {
  return async (digest: RequestDigest): Promise<void> => {
    const posting = chats.filter((chat) => chat.postDigest !== undefined);
    const results = await Promise.allSettled(posting.map((chat) => chat.postDigest?.(digest)));
    const failed = posting.filter((_, i) => results[i]?.status === 'rejected');
    if (failed.length > 0)
      throw new VpcepApprovalError(
        'CHAT_POST_FAILED',
        `digest for ${digest.target} not posted to ${failed.map((c) => c.name).join(', ')}`,
        { retryable: true, cause: results.find((r) => r.status === 'rejected')?.reason },
      );
  };
}

/** The title of a closed request's message: its result, said first. */
export function closedTitle(closure: RequestClosure): string {
  const result = closure.result.charAt(0).toUpperCase() + closure.result.slice(1);
  return `${result}: VPC endpoint connection approval request closed`;
}

/** Plain lines (label, value) of a closed request, escaped by each chat's message builder. */
export function closedLines(request: ApprovalRequest, closure: RequestClosure): Array<[string, string]> {
  return [
    ['Target', request.target],
    ['Endpoint', request.endpointId],
    ['Consumer account', request.domainId ?? 'unknown'],
    ['Result', closure.result],
    ['Decided by', closure.by],
    ['How', closure.via],
    ['When', closure.at],
    ...(closure.decisionId === undefined ? [] : [['Decision', closure.decisionId] as [string, string]]),
  ];
}
