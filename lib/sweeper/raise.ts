/**
 * Raising one approval request in every configured channel — the topic, the chats, a Jira issue —
 * and reminding people of it. The request is recorded `raising` under a lease before anything is
 * posted; each channel's handle (a Slack `ts`, a Feishu message id, the issue key) is written as soon as
 * that channel took it, so a raise that fails in one channel, or dies midway, is finished later in the
 * channels still missing and never re-posted to those that have it; `raised` once all did.
 */
import { VpcepApprovalError } from '../errors.ts';
import type { ApprovalRequest, ChannelHandle } from '../ledger/ledger.ts';
import type { RequestLifecycle } from '../ledger/request-lifecycle.ts';
import type { ApprovalRequestEvent } from './request-event.ts';

/** One place an approval request is raised: the topic, a chat, a ticket system. */
export type RequestChannel = {
  /** `topic`, `slack`, `feishu`, `jira`: the key of its handle on the request record. */
  name: string;
  /** Raises the request and answers what finds it again (for closing it): `{channel, ts}`, `{key}`. */
  raise(request: ApprovalRequestEvent): Promise<ChannelHandle>;
  /**
   * Reminds people; answers the reminder's message when it is one to close later. Absent: the channel
   * has no reminders (a Jira issue stays open by itself).
   */
  remind?(request: ApprovalRequestEvent): Promise<ChannelHandle | undefined>;
};

export type RaiseDeps = {
  channels: readonly RequestChannel[];
  lifecycle: Pick<
    RequestLifecycle,
    'recordChannel' | 'finishRaise' | 'releaseRaise' | 'recordReminderMessage'
  >;
  clock: () => Date;
};

/**
 * Raises the request in the channels its record does not name yet, under the lease `leaseUntil`.
 * Every channel is tried; if any failed, the lease is given back so the next sweep raises the missing
 * ones at once, and the error names them.
 */
export async function raiseMissing(
  event: ApprovalRequestEvent,
  record: Pick<ApprovalRequest, 'channels'>,
  leaseUntil: string,
  deps: RaiseDeps,
): Promise<void> {
  const have = new Set(Object.keys(record.channels ?? {}));
  const missing = deps.channels.filter((channel) => !have.has(channel.name));
  const results = await Promise.allSettled(
    missing.map(async (channel) => {
      const handle = await channel.raise(event);
      // Kept at once: should this sweep die now, the next one does not post here again.
      await deps.lifecycle.recordChannel(event.target, event.endpointId, channel.name, handle);
    }),
  );
  const failed = missing.filter((_, i) => results[i]?.status === 'rejected');
  if (failed.length === 0) {
    await deps.lifecycle.finishRaise(event.target, event.endpointId, leaseUntil);
    return;
  }
  await deps.lifecycle.releaseRaise(event.target, event.endpointId, leaseUntil, deps.clock().toISOString());
  const first = results.find((r) => r.status === 'rejected');
  const cause: unknown = first?.status === 'rejected' ? first.reason : undefined;
  // The first failure's own code (SLACK_UNAVAILABLE, TICKET_UNAVAILABLE, LEDGER_UNAVAILABLE…) says
  // what to fix; the message names every channel still missing.
  throw new VpcepApprovalError(
    cause instanceof VpcepApprovalError ? cause.code : 'REQUEST_RAISE_FAILED',
    `approval request for ${event.endpointId} not raised in ${failed.map((c) => c.name).join(', ')}: ${reasonOf(first)}`,
    { retryable: true, cause },
  );
}

/** Reminds people in every channel that has reminders, keeping the chat messages to close later. */
export async function remind(event: ApprovalRequestEvent, deps: RaiseDeps): Promise<void> {
  const reminding = deps.channels.filter((channel) => channel.remind !== undefined);
  const results = await Promise.allSettled(
    reminding.map(async (channel) => {
      const handle = await channel.remind?.(event);
      if (handle !== undefined)
        await deps.lifecycle.recordReminderMessage(event.target, event.endpointId, channel.name, handle);
    }),
  );
  const failed = reminding.filter((_, i) => results[i]?.status === 'rejected');
  if (failed.length > 0)
    throw new VpcepApprovalError(
      'REQUEST_REMIND_FAILED',
      `reminder ${event.reminder} for ${event.endpointId} not sent to ${failed.map((c) => c.name).join(', ')}: ${reasonOf(results.find((r) => r.status === 'rejected'))}`,
      { retryable: true },
    );
}

function reasonOf(result: PromiseSettledResult<unknown> | undefined): string {
  if (result?.status !== 'rejected') return 'unknown';
  const reason = result.reason as { message?: unknown };
  return typeof reason?.message === 'string' ? reason.message : String(result.reason);
}
