/** What a sweep tells people: an approval request (or its reminder), and the digest of a flood. */
import type { RuleName } from '../rules/evaluate.ts';

/** What people are asked (first) or reminded of: the `approval.requested` event's content. */
export type ApprovalRequestEvent = {
  target: string;
  /** With an estate: the target's account (its name there) and region. */
  account?: string;
  region?: string;
  endpointId: string;
  domainId?: string;
  createdAt?: string;
  /** Whether the account is on the target's whitelist; absent when the whitelist could not be read. */
  whitelisted?: boolean;
  rule: RuleName;
  reason: string;
  approvalsRequired: number;
  /** Who may approve: names from the rules' `people`. */
  approvers: string[];
  /** 0 for the first request, then 1, 2, … for each reminder. */
  reminder: number;
};

/** The requests of a target a sweep left for later sweeps: how many, by consumer account. */
export type RequestDigest = {
  target: string;
  /** New requests raised by this sweep. */
  raised: number;
  /** New requests left for later sweeps. */
  deferred: number;
  /** The deferred ones per consumer account (`unknown` without one), most first. */
  byAccount: Array<{ account: string; count: number }>;
};
