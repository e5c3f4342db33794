/**
 * The approval authority: the one decision point every path that can act asks before a connection is
 * accepted or rejected — the worker, the webhook with `?wait=true` and the CLI, whichever carrier
 * brought the decision (webhook, queue, chat, the Jira approval issue, the sweeper's rules). Pure:
 * principal, action, connection and the vouched approvals in; allow, await or deny with the reason out.
 * The executor enforces the answer (lib/executor/gate.ts); no path carries a copy of the rule.
 *
 * The rule, for one connection of a target:
 * - Rules bind everyone: an account on `autoReject` is never accepted (`RULES_AUTOREJECT`), not even by
 *   break-glass; changing the rules is the way to let it in.
 * - A rule decision (`requestedBy: "rule:<name>"` from the sweeper) is allowed only where that rule,
 *   under the rules in force now, decides the connection so, and only while it is `pendingAcceptance`.
 * - A target whose rules list `approvers` needs approvals from people: an accept needs
 *   `approvalsRequired` (default 1) different listed people, a reject one (refusing is the safe side).
 *   Only approvals a channel vouched for count (lib/approval/channels.ts), counted per person, from the
 *   connection's current round, by people listed now. None at all is `APPROVALS_REQUIRED`; some but not
 *   enough is `await`.
 * - A target without `approvers` takes the carrier's own authentication as enough, as before approvals.
 * - Break-glass (the CLI's `--break-glass "<reason>"`) acts without approvals, and says so everywhere.
 */
import { type Approval, approvalText } from './channels.ts';

export type Principal =
  /** An authenticated carrier that vouches for no person: a webhook secret, the queue, the CLI. */
  | { kind: 'carrier' }
  /** The sweeper's rule decision, named by its rule. */
  | { kind: 'rule'; rule: string }
  /** An operator acting without approvals, with a reason on record. */
  | { kind: 'break-glass'; reason: string };

/** What the authority needs to know of the target's rules (lib/rules/schema.ts `rulesFor`). */
export type AuthorityRules = {
  autoAccept?: readonly string[] | undefined;
  autoReject?: readonly string[] | undefined;
  rejectPendingAfterHours?: number | undefined;
  maxConnectionsPerAccount?: number | undefined;
  reconcile?: boolean | undefined;
  approvalsRequired?: number | undefined;
  approvers?: readonly string[] | undefined;
};

/** The connection as Huawei answered it just before acting. */
export type ConnectionFacts = {
  status: string;
  domainId?: string | undefined;
  createdAt?: string | undefined;
};

export type AuthorityRequest = {
  principal: Principal;
  action: 'accept' | 'reject';
  rules: AuthorityRules;
  connection: ConnectionFacts;
  /** Approvals vouched for on this connection and action in its current round, oldest first. */
  approvals: readonly Approval[];
  now: Date;
  /**
   * The target's accepted connections per account (lower-cased `domain_id`), read now: needed to allow
   * a rule's accept where `maxConnectionsPerAccount` is set; without it such an accept is refused.
   */
  acceptedByAccount?: ReadonlyMap<string, number> | undefined;
};

export type DenialCode = 'RULES_AUTOREJECT' | 'APPROVALS_REQUIRED' | 'RULE_NOT_APPLICABLE' | 'NOT_PENDING';

export type AuthorityVerdict =
  /** `approvedBy`: the approvals that carried it, one per person (`alice via slack`). */
  | { verdict: 'allow'; approvedBy: string[] }
  | { verdict: 'await'; have: string[]; need: number }
  | { verdict: 'deny'; code: DenialCode; message: string };

const HOUR_MS = 60 * 60 * 1000;

/** Whether a target's rules ask people at all: only then can a decision wait for approvals. */
export function needsApprovals(rules: AuthorityRules): boolean {
  return rules.approvers !== undefined && rules.approvers.length > 0;
}

/** How many different people an action needs on a target that asks people. */
export function approvalsNeeded(rules: AuthorityRules, action: 'accept' | 'reject'): number {
  return action === 'reject' ? 1 : (rules.approvalsRequired ?? 1);
}

export function authorize(request: AuthorityRequest): AuthorityVerdict {
  const { principal, action, rules, connection } = request;
  const account = connection.domainId?.toLowerCase();
  if (action === 'accept' && account !== undefined && rules.autoReject?.includes(account))
    return deny('RULES_AUTOREJECT', `account ${account} is in autoReject: change the rules to let it in`);
  // Without the account, autoReject cannot be judged: where the rules reject some, fail closed.
  if (action === 'accept' && account === undefined && (rules.autoReject?.length ?? 0) > 0)
    return deny('RULES_AUTOREJECT', 'the connection names no account, and the rules reject some accounts');
  if (principal.kind === 'break-glass') return { verdict: 'allow', approvedBy: [] };
  if (principal.kind === 'rule') return ruleVerdict(principal.rule, request);
  if (!needsApprovals(rules)) return { verdict: 'allow', approvedBy: [] };
  const need = approvalsNeeded(rules, action);
  const counted = countApprovals(request.approvals, rules.approvers ?? []);
  if (counted.length >= need)
    return { verdict: 'allow', approvedBy: counted.slice(0, need).map(approvalText) };
  if (counted.length === 0)
    return deny(
      'APPROVALS_REQUIRED',
      `${action} needs ${need} approval${need === 1 ? '' : 's'} from ${(rules.approvers ?? []).join(', ')}, vouched for by a chat or a trusted ticket system; none was given`,
    );
  return { verdict: 'await', have: counted.map((a) => a.person), need };
}

/** One approval per listed person, the oldest first: the same person on two channels counts once. */
export function countApprovals(approvals: readonly Approval[], approvers: readonly string[]): Approval[] {
  const listed = new Set(approvers);
  const seen = new Set<string>();
  const counted: Approval[] = [];
  for (const approval of approvals) {
    if (!listed.has(approval.person) || seen.has(approval.person)) continue;
    seen.add(approval.person);
    counted.push(approval);
  }
  return counted;
}

/** A rule decision holds only where the rule, as it stands now, says the same of a pending connection. */
function ruleVerdict(rule: string, request: AuthorityRequest): AuthorityVerdict {
  const { action, rules, connection, now } = request;
  if (rule === 'reconcile') return reconcileVerdict(request);
  if (connection.status !== 'pendingAcceptance')
    return deny(
      'NOT_PENDING',
      `rule ${rule} decides only pending connections; this one is ${connection.status}`,
    );
  const account = connection.domainId?.toLowerCase();
  const listed = (list: readonly string[] | undefined) =>
    account !== undefined && list?.includes(account) === true;
  const created = connection.createdAt === undefined ? Number.NaN : Date.parse(connection.createdAt);
  const hours = rules.rejectPendingAfterHours;
  const limit = rules.maxConnectionsPerAccount;
  const held = account === undefined ? undefined : request.acceptedByAccount?.get(account);
  // The sweep counted the account's connections when it queued this; a sender of a made-up rule decision
  // (or a stale one) has not, so the limit is judged again on what is accepted now.
  const underLimit = limit === undefined || (request.acceptedByAccount !== undefined && (held ?? 0) < limit);
  const holds =
    (rule === 'autoAccept' && action === 'accept' && listed(rules.autoAccept) && underLimit) ||
    (rule === 'autoReject' && action === 'reject' && listed(rules.autoReject)) ||
    (rule === 'rejectPendingAfterHours' &&
      action === 'reject' &&
      hours !== undefined &&
      !Number.isNaN(created) &&
      now.getTime() - created > hours * HOUR_MS);
  if (holds) return { verdict: 'allow', approvedBy: [] };
  return deny(
    'RULE_NOT_APPLICABLE',
    `rule ${rule} does not ${action} this connection under the rules in force`,
  );
}

/**
 * Reconcile re-applies the rules to connections already accepted (`"reconcile": true`): it may reject
 * one whose account is now on autoReject, or over maxConnectionsPerAccount as counted now (the sweep
 * chose which of its connections go: the newest).
 */
function reconcileVerdict(request: AuthorityRequest): AuthorityVerdict {
  const { action, rules, connection } = request;
  const account = connection.domainId?.toLowerCase();
  const limit = rules.maxConnectionsPerAccount;
  const held = account === undefined ? undefined : request.acceptedByAccount?.get(account);
  const holds =
    action === 'reject' &&
    rules.reconcile === true &&
    account !== undefined &&
    (rules.autoReject?.includes(account) === true || (limit !== undefined && (held ?? 0) > limit));
  if (holds) return { verdict: 'allow', approvedBy: [] };
  return deny('RULE_NOT_APPLICABLE', 'reconcile does not reject this connection under the rules in force');
}

function deny(code: DenialCode, message: string): AuthorityVerdict {
  return { verdict: 'deny', code, message };
}
