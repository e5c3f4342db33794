/**
 * The ledger: what the approval loop must remember across containers and invocations. Every decision
 * applied to a connection (the audit trail, and the base for refusing a superseded decision), every
 * approval request raised (so a sweep asks people once, and reminds them on time), and every delivery
 * id seen (so a redelivered webhook or chat request gets the first answer again). The DynamoDB
 * implementation is in dynamodb.ts; keys and records are laid out in keys.ts.
 */
import type { Action, WhitelistAction } from '../decision/schema.ts';

/**
 * One decision applied to one connection. `target` is the normalized target key (`vpcep:<serviceId>`,
 * `apig:<instanceId>`, lower-cased). Times are ISO 8601 in UTC.
 */
export type AppliedDecision = {
  decisionId: string;
  /**
   * `permit`/`revoke` on a whitelist entry (`endpointId` is then `account:<domain_id>`); `external` for
   * a change no decision of ours made (drift), or the state a first sweep adopted (lib/sweeper/drift.ts).
   */
  action: LedgerAction;
  target: string;
  endpointId: string;
  /** Who asked: the decision's `requestedBy` (`alice@example.com`, `slack:U123`, `rule:autoAccept`). */
  requestedBy?: string;
  /** The approvals a channel vouched for, one per person (`alice via slack`). */
  approvedBy: string[];
  /** An operator acted without approvals (the CLI's `--break-glass`), for this reason. */
  breakGlass?: string;
  source?: { system: string; ref?: string; url?: string };
  /** Huawei's request ids of the calls that read and changed the connection. */
  huaweiRequestIds: string[];
  /** The connection's status as last read after acting (`accepted`, `rejected`, …). */
  status?: string;
  /** When it was applied. */
  appliedAt: string;
  /** When it was decided: what supersede ordering compares. */
  decidedAt: string;
};

/** What a ledger record says was done. */
export type LedgerAction = Action | WhitelistAction | 'external';

/** An approval request raised for one pending connection, and when to remind people of it. */
export type ApprovalRequest = {
  target: string;
  endpointId: string;
  /** The consumer's account (the connection's `domain_id`). */
  domainId?: string;
  /** The connection's `created_at`, as Huawei reported it. */
  requestedAt?: string;
  /** The rules' verdict that made it an approval request (`approvalRequired`, `overConnectionLimit`). */
  rule: string;
  raisedAt: string;
  remindAt: string;
  /** How many reminders have been sent. */
  reminders: number;
  /**
   * `raising` from when it is recorded until every configured channel took it, then `raised`; `closed`
   * once the connection was decided. Absent on records written before the lifecycle: raised.
   */
  state?: RequestState;
  /** While `raising`: until when this raise holds it; past it, the next sweep raises the missing channels. */
  leaseUntil?: string;
  /** Where the request was raised, per channel (`topic`, `slack`, `feishu`, `jira`): what finds it again. */
  channels?: Record<string, ChannelHandle>;
  /** The chat messages of reminders, closed with the request. */
  reminderMessages?: ReminderMessage[];
  /** How the connection was decided, once it was. */
  closure?: RequestClosure;
  /** The channels already closed (updated, commented), and when. */
  closedChannels?: Record<string, string>;
};

export type RequestState = 'raising' | 'raised' | 'closed';

/** What finds a raised request again in one channel: `{channel, ts}` (Slack), `{messageId}`, `{key}`. */
export type ChannelHandle = Record<string, string>;

export type ReminderMessage = { channel: string; handle: ChannelHandle };

/** How a request's connection was decided: what every channel is told when it is closed. */
export type RequestClosure = {
  /** `accepted`, `rejected`, or `no longer pending` when nobody can say. */
  result: string;
  /** Who decided (the vouched approvers, else who asked), as the outcome says. */
  by: string;
  /** How: the carrier (`slack`, `jira OPS-12`, `webhook`, `rules`, `console`). */
  via: string;
  /** When it was decided (ISO 8601). */
  at: string;
  decisionId?: string;
};

/**
 * The ticket opened to ask people about one pending connection: the Jira issue whose approval then
 * decides it (its key comes back as the decision's `source.ref`). Kept, like decisions, for the audit.
 */
export type ApprovalIssue = {
  target: string;
  endpointId: string;
  system: 'jira';
  /** The issue key, `OPS-123`. */
  key: string;
  createdAt: string;
};

/**
 * What the ledger holds for a connection's issue: a claim to open it (`claimedAt`, taken before the
 * issue is created) and, once it is known, its key. A claim without a key is an issue being opened, or
 * one opened whose key was never recorded.
 */
export type ApprovalIssueRecord = {
  target: string;
  endpointId: string;
  system: 'jira';
  key?: string;
  createdAt?: string;
  claimedAt?: string;
};

/** A claim on opening the connection's issue, taken before it is created. */
export type ApprovalIssueClaim = {
  target: string;
  endpointId: string;
  system: 'jira';
  claimedAt: string;
};

/**
 * A delivery to deduplicate: `kind` names the id's namespace (`webhook-id`, `hub-body`, `slack`,
 * `feishu`, `decision`), `id` the sender's id (or a body hash) in it.
 */
export type DeliveryKey = { kind: string; id: string };

/** The placeholder answer a delivery's claim carries until its real answer is settled. */
export const PENDING_ANSWER = { pending: true } as const;

export type RecordOnce<T> = { first: true } | { first: false; existing: T };

export type Ledger = {
  /**
   * Records a decision applied to a connection, once: a replay of the same decision (same id and
   * `decidedAt`) answers `duplicate` and changes nothing.
   */
  recordDecision(record: AppliedDecision): Promise<'recorded' | 'duplicate'>;
  /** The decision with the latest `decidedAt` applied to the connection, if any. */
  lastDecision(target: string, endpointId: string): Promise<AppliedDecision | undefined>;
  /**
   * Decisions applied on a target (or one of its connections), oldest first by `decidedAt`; with
   * `limit`, the newest `limit` of them.
   */
  history(target: string, options?: { endpointId?: string; limit?: number }): Promise<AppliedDecision[]>;
  /**
   * Records an approval request once per connection: the first caller gets `first: true` and should
   * ask people; every later caller, in any container, gets the request already recorded.
   */
  recordApprovalRequest(request: ApprovalRequest): Promise<RecordOnce<ApprovalRequest>>;
  /**
   * The target's approval requests still in force (not past their TTL). Read from an index, so a
   * request recorded a moment ago may be missing: use it to skip work, never to decide "once".
   */
  approvalRequests(target: string): Promise<ApprovalRequest[]>;
  /**
   * Removes the connection's approval request if it is still the one raised at `raisedAt` (raising it
   * failed, or the connection was decided), so the next sweep raises it afresh. True when removed.
   */
  withdrawApprovalRequest(target: string, endpointId: string, raisedAt: string): Promise<boolean>;
  /**
   * Claims the connection's reminder when it is due (`remindAt` ≤ now) and moves it to `nextRemindAt`:
   * exactly one caller wins a due reminder. Answers the updated request to the winner, undefined to
   * everyone else (not due, already claimed, or no request).
   */
  claimReminder(
    target: string,
    endpointId: string,
    nextRemindAt: string,
  ): Promise<ApprovalRequest | undefined>;
  /**
   * Claims the opening of the connection's issue, once: the first caller gets `first: true` and may
   * create it; every later caller gets the record as it stands (a key, or a claim without one).
   */
  claimApprovalIssue(claim: ApprovalIssueClaim): Promise<RecordOnce<ApprovalIssueRecord>>;
  /**
   * Takes over a claim that never got its key, if it is still the one claimed at `staleClaimedAt`:
   * one caller wins. True when taken.
   */
  takeOverApprovalIssueClaim(claim: ApprovalIssueClaim, staleClaimedAt: string): Promise<boolean>;
  /** Removes the caller's claim while it has no key (nothing was created), so a later raise may claim afresh. */
  releaseApprovalIssueClaim(claim: ApprovalIssueClaim): Promise<boolean>;
  /**
   * Records the key of the issue opened for a connection, once, on its claim or without one: the first
   * caller gets `first: true`; every later caller gets the issue recorded first.
   */
  recordApprovalIssue(issue: ApprovalIssue): Promise<RecordOnce<ApprovalIssue>>;
  /** The connection's issue record in `system` — a key, or a claim — if any (a strongly consistent read). */
  approvalIssue(target: string, endpointId: string, system: 'jira'): Promise<ApprovalIssueRecord | undefined>;
  /**
   * Records a delivery id with the answer given to it, once within `ttlMs`: the first caller stores its
   * answer; every later caller gets the stored answer back, whatever answer it offered.
   */
  recordDelivery(key: DeliveryKey, answer: unknown, ttlMs: number): Promise<RecordOnce<unknown>>;
};
