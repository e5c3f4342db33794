/**
 * The ticket notifier's core: writes an outcome back on the Jira/JSM issue or ServiceNow record its
 * decision came from. Subscribed to the outcome topic with a `sourceSystem` filter, beside (and
 * independent of) the chat notifier. A redelivered outcome is recognised by the marker its comment
 * carries and is not written twice. Transient failures throw (Lambda retries the event); a refusal is
 * logged with the ticket and dropped.
 */

import { TicketRefusedError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { JiraConfig } from './config.ts';
import type { JiraClient } from './jira.ts';
import { outcomeDocument, outcomeMarker } from './outcome-document.ts';
import type { TicketOutcome } from './outcome-message.ts';
import { parseTicketRef, type TicketRef, ticketSystemOf } from './ref.ts';
import type { ServiceNowClient } from './servicenow.ts';

export type TicketNotifyDeps = {
  /** Present when Jira is configured. */
  jira?: {
    client: JiraClient;
    baseUrl: string;
    transitions: JiraConfig['transitions'];
    /** The projects whose issues may be written to; an issue of any other is not touched. */
    projects: ReadonlySet<string>;
  };
  /** Present when ServiceNow is configured. */
  servicenow?: { client: ServiceNowClient; instanceUrl: string };
  logger?: Logger;
};

export type TicketNotifyResult =
  | 'commented'
  | 'duplicate'
  /** Not ours to write: another system, none configured, or a source that does not check out. */
  | 'skipped'
  /** The ticket system refused; logged, not retried. */
  | 'dropped';

export async function notifyTicket(
  outcome: TicketOutcome,
  deps: TicketNotifyDeps,
): Promise<TicketNotifyResult> {
  const logger = deps.logger ?? silentLogger;
  const system = ticketSystemOf(outcome.source);
  if (system === undefined || outcome.source === undefined) return 'skipped';
  const base = system === 'servicenow' ? deps.servicenow?.instanceUrl : deps.jira?.baseUrl;
  if (base === undefined) {
    logger.warn('ticket system not configured; outcome not written back', {
      decisionId: outcome.decisionId,
      system,
    });
    return 'skipped';
  }
  const parsed = parseTicketRef(outcome.source, base);
  if (!parsed.ok) {
    logger.warn('outcome source does not name a ticket we write to; nothing called', {
      decisionId: outcome.decisionId,
      system,
      reason: parsed.reason,
    });
    return 'skipped';
  }
  const ref = parsed.ref;
  if (ref.system !== 'servicenow' && !deps.jira?.projects.has(jiraProjectOf(ref.key))) {
    logger.warn('outcome source names an issue outside JIRA_PROJECTS; nothing called', {
      decisionId: outcome.decisionId,
      ticket: ref.key,
    });
    return 'skipped';
  }
  try {
    return ref.system === 'servicenow'
      ? await writeServiceNow(outcome, ref, deps, logger)
      : await writeJira(outcome, ref, deps, logger);
  } catch (error) {
    if (!(error instanceof TicketRefusedError)) throw error;
    // 401/403 mean our credentials or permissions are wrong: every outcome will fail alike until an
    // operator acts, so they are errors, not warnings.
    const level = error.httpStatus === 401 || error.httpStatus === 403 ? 'error' : 'warn';
    logger[level]('ticket system refused the outcome; not retried', {
      decisionId: outcome.decisionId,
      ticket: ticketName(ref),
      status: error.httpStatus,
      error,
    });
    return 'dropped';
  }
}

async function writeJira(
  outcome: TicketOutcome,
  ref: Extract<TicketRef, { key: string }>,
  deps: TicketNotifyDeps,
  logger: Logger,
): Promise<TicketNotifyResult> {
  const jira = deps.jira;
  if (jira === undefined) return 'skipped';
  const marker = outcomeMarker(outcome);
  const duplicate = await jira.client.hasOwnComment(ref.key, marker);
  if (!duplicate) {
    await jira.client.addComment(ref.key, outcomeDocument(outcome, marker), {
      internal: ref.system === 'jsm',
    });
    logger.info('outcome written back', {
      decisionId: outcome.decisionId,
      ticket: ref.key,
      status: outcome.status,
    });
  }
  // Also on a redelivery: the comment may have been written by an attempt whose transition then failed.
  // A dry run changed nothing, so it moves nothing.
  const transitionId = outcome.dryRun ? undefined : transitionFor(outcome.status, jira.transitions);
  if (transitionId !== undefined) {
    const available = await jira.client.transitionIds(ref.key);
    if (available.includes(transitionId)) await jira.client.transition(ref.key, transitionId);
    else
      logger.info('transition not available from the issue’s current status; left as it is', {
        decisionId: outcome.decisionId,
        ticket: ref.key,
        transitionId,
      });
  }
  return duplicate ? 'duplicate' : 'commented';
}

async function writeServiceNow(
  outcome: TicketOutcome,
  ref: Extract<TicketRef, { sysId: string }>,
  deps: TicketNotifyDeps,
  logger: Logger,
): Promise<TicketNotifyResult> {
  const servicenow = deps.servicenow;
  if (servicenow === undefined) return 'skipped';
  const marker = outcomeMarker(outcome);
  if (await servicenow.client.hasWorkNote(ref.table, ref.sysId, marker)) return 'duplicate';
  await servicenow.client.addWorkNote(ref.table, ref.sysId, outcomeDocument(outcome, marker));
  logger.info('outcome written back', {
    decisionId: outcome.decisionId,
    ticket: ticketName(ref),
    status: outcome.status,
  });
  return 'commented';
}

/** Only the two final statuses move an issue; partial, denied, invalid and anything new leave it. */
function transitionFor(status: string, transitions: JiraConfig['transitions']): string | undefined {
  if (status === 'succeeded') return transitions.succeeded;
  if (status === 'failed') return transitions.failed;
  return undefined;
}

/** `OPS` of `OPS-123` (the key's shape is checked: a project key, a dash, a number). */
function jiraProjectOf(key: string): string {
  return key.slice(0, key.lastIndexOf('-'));
}

function ticketName(ref: TicketRef): string {
  return ref.system === 'servicenow' ? `${ref.table}:${ref.sysId}` : ref.key;
}
