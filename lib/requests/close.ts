/**
 * Closing an approval request everywhere it was raised, once its connection is decided anywhere. The
 * closure is written on the request first (the first one stands, so every channel tells the same
 * story); then each channel is closed — the chat message updated without its buttons, the Jira issue
 * commented and transitioned — and marked closed on the record, so a retry (the notifier's Lambda
 * retries, the next sweep) closes only the channels still open. A request raised before its record kept
 * channel handles still has its Jira issue closed, found through the connection's `ISSUE#jira` record.
 */
import { VpcepApprovalError } from '../errors.ts';
import type { ApprovalRequest, ChannelHandle, Ledger, RequestClosure } from '../ledger/ledger.ts';
import type { RequestLifecycle } from '../ledger/request-lifecycle.ts';
import { type Logger, silentLogger } from '../log.ts';

/** Closes one channel's message or issue; throws when it could not (retried later). */
export type ChannelCloser = (
  request: ApprovalRequest,
  handle: ChannelHandle,
  closure: RequestClosure,
) => Promise<void>;

export type CloseDeps = {
  lifecycle: Pick<RequestLifecycle, 'close' | 'recordClosedChannel'>;
  ledger: Pick<Ledger, 'approvalIssue'>;
  /** By channel kind (`slack`, `feishu`, `jira`); a kind without one is left open here. */
  closers: Partial<Record<string, ChannelCloser>>;
  clock: () => Date;
  logger?: Logger;
};

/** What is left to close: the request's channels and its reminders' messages, by record key. */
function openChannels(request: ApprovalRequest): Array<{ key: string; kind: string; handle: ChannelHandle }> {
  const done = request.closedChannels ?? {};
  const all = [
    ...Object.entries(request.channels ?? {}).map(([kind, handle]) => ({ key: kind, kind, handle })),
    ...(request.reminderMessages ?? []).map((m, i) => ({
      key: `${m.channel}-reminder-${i + 1}`,
      kind: m.channel,
      handle: m.handle,
    })),
  ];
  // The topic has nothing to close: subscribers hear of the outcome itself.
  return all.filter((c) => c.kind !== 'topic' && done[c.key] === undefined);
}

/**
 * Closes the connection's request with `closure` in every channel it was raised in. Answers whether a
 * request was found. Every channel is tried; if any failed, throws naming them (retryable).
 */
export async function closeEverywhere(
  target: string,
  endpointId: string,
  closure: RequestClosure,
  deps: CloseDeps,
): Promise<boolean> {
  const logger = deps.logger ?? silentLogger;
  const closed = await deps.lifecycle.close(target, endpointId, closure);
  const request: ApprovalRequest = closed ?? {
    target,
    endpointId,
    rule: 'unknown',
    raisedAt: closure.at,
    remindAt: closure.at,
    reminders: 0,
  };
  const told = request.closure ?? closure;
  const open = openChannels(request);
  // An issue opened before requests kept their handles, or whose request has expired.
  if (request.channels?.jira === undefined && request.closedChannels?.jira === undefined) {
    const issue = await deps.ledger.approvalIssue(target, endpointId, 'jira');
    if (issue?.key !== undefined) open.push({ key: 'jira', kind: 'jira', handle: { key: issue.key } });
  }
  const closing = open.filter((c) => deps.closers[c.kind] !== undefined);
  const results = await Promise.allSettled(
    closing.map(async (channel) => {
      await deps.closers[channel.kind]?.(request, channel.handle, told);
      if (closed !== undefined)
        await deps.lifecycle.recordClosedChannel(target, endpointId, channel.key, deps.clock().toISOString());
    }),
  );
  const failed = closing.filter((_, i) => results[i]?.status === 'rejected');
  for (const [i, channel] of closing.entries())
    if (results[i]?.status === 'rejected')
      logger.warn('approval request not closed in a channel; retried', {
        target,
        endpointId,
        channel: channel.key,
        error: (results[i] as PromiseRejectedResult).reason,
      });
  if (failed.length > 0)
    throw new VpcepApprovalError(
      'REQUEST_CLOSE_FAILED',
      `approval request for ${endpointId} not closed in ${failed.map((c) => c.key).join(', ')}`,
      { retryable: true },
    );
  if (closing.length > 0)
    logger.info('approval request closed', { target, endpointId, result: told.result, via: told.via });
  return closed !== undefined;
}
