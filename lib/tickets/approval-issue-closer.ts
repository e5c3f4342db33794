/**
 * Closing a connection's Jira approval issue once the connection is decided anywhere: one comment
 * saying what was decided, by whom, how and when (with a marker, so a retry does not comment twice),
 * then the transition configured for the result (`JIRA_APPROVAL_TRANSITION_ON_ACCEPTED` /
 * `_ON_REJECTED`) when the issue offers it from its current status. An issue the decision came from
 * (`jira <key>`) is left alone: people moved it themselves and the ticket notifier writes the outcome there.
 */
import { createHash } from 'node:crypto';
import type { RequestClosure } from '../ledger/ledger.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { ChannelCloser } from '../requests/close.ts';
import { code, oneLine, paragraph, strong, type TicketDocument, text } from './document.ts';
import type { JiraClient } from './jira.ts';

export type ApprovalIssueCloserDeps = {
  jira: JiraClient;
  /** Transition ids by result; a result without one only comments. */
  transitions: { accepted?: string; rejected?: string };
  logger?: Logger;
};

/** What a closing comment is known by: the closure, whatever attempt wrote it. */
export function closureMarker(closure: RequestClosure): string {
  const content = [closure.result, closure.by, closure.via, closure.at, closure.decisionId ?? ''].join('\n');
  return `vpcep.closed.${createHash('sha256').update(content).digest('hex').slice(0, 24)}`;
}

export function closureDocument(closure: RequestClosure, marker: string): TicketDocument {
  return [
    paragraph(strong(`Decided: ${oneLine(closure.result, 40)}.`), text(' This approval request is closed.')),
    {
      kind: 'bullets',
      items: [
        [text(`Decided by: ${oneLine(closure.by, 300)}`)],
        [text(`How: ${oneLine(closure.via, 100)}`)],
        [text(`When: ${oneLine(closure.at, 40)}`)],
        ...(closure.decisionId === undefined
          ? []
          : [[text('Decision: '), code(oneLine(closure.decisionId, 128))]]),
      ],
    },
    paragraph(text(`vpcep-approval ${marker}`)),
  ];
}

export function approvalIssueCloser(deps: ApprovalIssueCloserDeps): ChannelCloser {
  const logger = deps.logger ?? silentLogger;
  return async (request, handle, closure) => {
    const key = handle.key;
    if (key === undefined || key === '') return;
    if (closure.via === `jira ${key}` || closure.via === `jsm ${key}`) return;
    const marker = closureMarker(closure);
    if (!(await deps.jira.hasOwnComment(key, marker)))
      await deps.jira.addComment(key, closureDocument(closure, marker));
    const transition =
      closure.result === 'accepted'
        ? deps.transitions.accepted
        : closure.result === 'rejected'
          ? deps.transitions.rejected
          : undefined;
    if (transition === undefined) return;
    const available = await deps.jira.transitionIds(key);
    if (available.includes(transition)) await deps.jira.transition(key, transition);
    else
      logger.info('approval issue transition not available from its current status; left as it is', {
        target: request.target,
        endpointId: request.endpointId,
        ticket: key,
        transition,
      });
  };
}
