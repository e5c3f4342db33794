/**
 * The sweeper's Jira half of an approval request: when JIRA_APPROVAL_PROJECT is set, the first request
 * for a pending connection opens one Jira issue and records its key in the ledger. Someone then
 * approves or rejects the issue; a Jira Automation rule sends the decision (`source.ref` = the key,
 * docs/tickets.md) and the ticket notifier writes the outcome back on it.
 *
 * Once: the sweep records the request before raising it, so only one container raises it; the ledger's
 * key is asked first as well, so a request raised again (after an earlier raise failed, or after its
 * record expired) finds the issue already opened. Reminders open nothing.
 */
import { ValidationError } from '../errors.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { ApprovalRequestEvent } from '../sweeper/sweep.ts';
import type { JiraApprovalConfig } from './config.ts';
import { DEFAULT_RETRY, fetchSend, type HttpSend } from './http.ts';
import { createJiraClient, type JiraClient } from './jira.ts';
import { openApprovalIssue, pendingFromApprovalRequest } from './open-issue.ts';

export type ApprovalIssueRaiserDeps = {
  jira: JiraClient;
  approval: { project: string; issueType: string };
  ledger: Pick<Ledger, 'approvalIssue' | 'recordApprovalIssue'>;
  clock: () => Date;
  logger?: Logger;
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
  return async (event) => {
    if (event.reminder > 0) return undefined;
    const raisedAt = deps.clock();
    const connection = pendingFromApprovalRequest(event, raisedAt);
    if (connection === undefined)
      throw new ValidationError(
        [{ path: 'target', message: 'must be vpcep:<serviceId> or apig:<instanceId>' }],
        'invalid approval request',
      );
    const opened = await openApprovalIssue(connection, {
      jira: deps.jira,
      approval: deps.approval,
      existingKey: async () => (await deps.ledger.approvalIssue(event.target, event.endpointId, 'jira'))?.key,
    });
    if (!opened.created) return opened;
    try {
      const recorded = await deps.ledger.recordApprovalIssue({
        target: event.target,
        endpointId: event.endpointId,
        system: 'jira',
        key: opened.key,
        createdAt: raisedAt.toISOString(),
      });
      if (!recorded.first) {
        // Another raise won the record in between; its issue is the one decisions come from.
        logger.warn('a second approval issue was opened for a connection; the first one stands', {
          target: event.target,
          endpointId: event.endpointId,
          ticket: opened.key,
          kept: recorded.existing.key,
        });
        return { key: recorded.existing.key, created: false };
      }
    } catch (error) {
      // The issue exists but is not recorded: the sweep raises the request again and opens another.
      // The key is logged so the operator can close the orphan.
      logger.error('approval issue opened but not recorded in the ledger', {
        target: event.target,
        endpointId: event.endpointId,
        ticket: opened.key,
        error,
      });
      throw error;
    }
    logger.info('approval issue opened', {
      target: event.target,
      endpointId: event.endpointId,
      ticket: opened.key,
    });
    return opened;
  };
}
