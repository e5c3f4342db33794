/**
 * The sweeper's Jira half of an approval request: when JIRA_APPROVAL_PROJECT is set, the first request
 * for a pending connection opens one Jira issue and records its key in the ledger. Someone then
 * approves or rejects the issue; a Jira Automation rule sends the decision (`source.ref` = the key,
 * docs/tickets.md) and the ticket notifier writes the outcome back on it.
 *
 * Once, in effect, whatever fails:
 * 1. The connection's issue is claimed in the ledger (one conditional put) before anything is created:
 *    of two raises at once, in any containers, one claims; the other finds the claim.
 * 2. The claimant searches Jira for the connection's label (`vpcep-conn-<endpointId>`) and creates the
 *    issue only if none is found; the creation is never sent again after a failure that may have
 *    created it (lib/tickets/http.ts, `once`). Then the key is recorded on the claim.
 * 3. A claim without a key — the key's write failed, the answer to the creation was lost, the container
 *    died, or another raise is at work right now — is settled by the Jira search: an issue found is
 *    recorded, never created again. When none is found, nothing is created while the claim is younger
 *    than the lease (15 minutes: longer than the sweeper may run, and than Jira Cloud's search lags a
 *    creation); past it, one raise takes the claim over (a conditional update) and creates the issue.
 *    If Jira cannot be searched, nothing is created: logged, and the next sweep tries again.
 * A creation that fails with an answer saying Jira did not act (a refusal, 429, 503) releases the claim.
 *
 * What remains: an issue that Jira creates, or lets a search see, more than the lease after the call
 * that asked for it is not found, and a second one is opened. Reminders open nothing.
 */
import { TicketIssueUnsettledError, ValidationError, type VpcepApprovalError } from '../errors.ts';
import type { ApprovalIssueClaim, ApprovalIssueRecord, Ledger } from '../ledger/ledger.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { ApprovalRequestEvent } from '../sweeper/sweep.ts';
import type { JiraApprovalConfig } from './config.ts';
import { DEFAULT_RETRY, fetchSend, type HttpSend } from './http.ts';
import { createJiraClient, type JiraClient } from './jira.ts';
import {
  createApprovalIssue,
  findApprovalIssue,
  type OpenIssueDeps,
  type PendingConnection,
  pendingFromApprovalRequest,
} from './open-issue.ts';

/** How long a claim without a key is left to its raiser before another raise may create the issue. */
export const CLAIM_LEASE_MS = 15 * 60 * 1000;

export type ApprovalIssueRaiserDeps = {
  jira: JiraClient;
  approval: { project: string; issueType: string };
  ledger: Pick<
    Ledger,
    'claimApprovalIssue' | 'takeOverApprovalIssueClaim' | 'releaseApprovalIssueClaim' | 'recordApprovalIssue'
  >;
  clock: () => Date;
  logger?: Logger;
  /** CLAIM_LEASE_MS unless given. */
  claimLeaseMs?: number;
};

/** What the raise did: opened an issue, found one opened before, or nothing (a reminder). */
export type ApprovalIssueRaised = { key: string; created: boolean } | undefined;

/** The raiser for a configuration, with the real HTTP adapter and retries unless given others. */
export function approvalIssueRaiserFor(
  config: JiraApprovalConfig,
  deps: Omit<ApprovalIssueRaiserDeps, 'jira' | 'approval'> & { send?: HttpSend },
): (event: ApprovalRequestEvent) => Promise<ApprovalIssueRaised> {
  const { send, ...rest } = deps;
  return jiraApprovalIssueRaiser({
    ...rest,
    jira: createJiraClient(config, send ?? fetchSend(), DEFAULT_RETRY),
    approval: config.approval,
  });
}

export function jiraApprovalIssueRaiser(
  deps: ApprovalIssueRaiserDeps,
): (event: ApprovalRequestEvent) => Promise<ApprovalIssueRaised> {
  const logger = deps.logger ?? silentLogger;
  const leaseMs = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
  const jira: OpenIssueDeps = { jira: deps.jira, approval: deps.approval };

  /** Records the key on the claim; a key recorded first by another raise stands. */
  async function record(claim: ApprovalIssueClaim, key: string, created: boolean) {
    const where = { target: claim.target, endpointId: claim.endpointId, ticket: key };
    let recorded: Awaited<ReturnType<typeof deps.ledger.recordApprovalIssue>>;
    try {
      recorded = await deps.ledger.recordApprovalIssue({ ...claim, key, createdAt: claim.claimedAt });
    } catch (error) {
      // The claim stays without a key: the next raise finds this issue in Jira by its label and
      // records it, and opens no other. The key is logged for the operator all the same.
      logger.error('approval issue opened but not recorded in the ledger', { ...where, created, error });
      throw error;
    }
    if (!recorded.first) {
      // The same key, recorded by a raise that found this issue in Jira meanwhile: this raise opened it.
      if (recorded.existing.key === key) return { key, created };
      logger.warn('a second approval issue was opened for a connection; the first one stands', {
        ...where,
        kept: recorded.existing.key,
      });
      return { key: recorded.existing.key, created: false };
    }
    logger.info(created ? 'approval issue opened' : 'approval issue found in Jira and recorded', where);
    return { key, created };
  }

  /** Creates the issue under the caller's claim, and records it. */
  async function create(connection: PendingConnection, claim: ApprovalIssueClaim) {
    let key: string;
    try {
      key = await createApprovalIssue(connection, jira);
    } catch (error) {
      if ((error as VpcepApprovalError).code === 'TICKET_OUTCOME_UNKNOWN')
        logger.warn('approval issue creation may have happened; a later raise looks for it in Jira', {
          target: claim.target,
          endpointId: claim.endpointId,
          error,
        });
      else await release(claim);
      throw error;
    }
    return record(claim, key, true);
  }

  /** Gives the claim back when nothing was created; if that fails, the lease frees it later. */
  async function release(claim: ApprovalIssueClaim) {
    try {
      await deps.ledger.releaseApprovalIssueClaim(claim);
    } catch (error) {
      logger.warn('approval issue claim not released; it is taken over after its lease', {
        target: claim.target,
        endpointId: claim.endpointId,
        error,
      });
    }
  }

  /** A claim without a key, someone else's: settled by Jira's word, or taken over once stale. */
  async function settle(connection: PendingConnection, claim: ApprovalIssueClaim, held: ApprovalIssueRecord) {
    const where = { target: claim.target, endpointId: claim.endpointId, claimedAt: held.claimedAt };
    let found: string | undefined;
    try {
      found = await findApprovalIssue(connection, jira);
    } catch (error) {
      // An issue may exist or be on its way: creating one now could make a second.
      logger.warn('approval issue claimed without a key and Jira could not be searched; nothing created', {
        ...where,
        error,
      });
      throw error;
    }
    if (found !== undefined) return record(claim, found, false);
    const claimedAt = held.claimedAt ?? new Date(0).toISOString();
    if (Date.parse(claim.claimedAt) - Date.parse(claimedAt) < leaseMs)
      throw new TicketIssueUnsettledError(
        `the approval issue of ${claim.endpointId} is being opened (claimed at ${claimedAt}) and not yet found in Jira`,
      );
    if (!(await deps.ledger.takeOverApprovalIssueClaim(claim, claimedAt)))
      throw new TicketIssueUnsettledError(
        `the approval issue of ${claim.endpointId} was claimed by another raise`,
      );
    logger.warn('approval issue claim taken over: no issue found in Jira past its lease', where);
    return create(connection, claim);
  }

  return async (event) => {
    if (event.reminder > 0) return undefined;
    const raisedAt = deps.clock();
    const connection = pendingFromApprovalRequest(event, raisedAt);
    if (connection === undefined)
      throw new ValidationError(
        [{ path: 'target', message: 'must be vpcep:<serviceId> or apig:<instanceId>' }],
        'invalid approval request',
      );
    const claim: ApprovalIssueClaim = {
      target: event.target,
      endpointId: event.endpointId,
      system: 'jira',
      claimedAt: raisedAt.toISOString(),
    };
    const claimed = await deps.ledger.claimApprovalIssue(claim);
    if (!claimed.first) {
      const held = claimed.existing;
      if (held.key !== undefined) return { key: held.key, created: false };
      return settle(connection, claim, held);
    }
    // Jira first: an issue opened before this claim (its ledger record lost) is found, not repeated.
    let found: string | undefined;
    try {
      found = await findApprovalIssue(connection, jira);
    } catch (error) {
      await release(claim);
      throw error;
    }
    return found === undefined ? create(connection, claim) : record(claim, found, false);
  };
}
