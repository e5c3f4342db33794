/**
 * A chat delivery is acted on once across all containers. Slack and Feishu redeliver what they think
 * went unanswered (Feishu retries an event for hours; a slow answer makes Slack's client retry), and a
 * redelivery may land in another container. The delivery id is claimed in the ledger before acting; the
 * first delivery's answer is stored when its work is done, and every repeat gets that answer back and
 * causes nothing new. A repeat that arrives while the first is still at work is told so.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors.ts';
import type { HttpResponse } from '../http/api-gateway.ts';
import type { DeliveryAnswers } from '../ledger/delivery-answers.ts';
import { type DeliveryKey, type Ledger, PENDING_ANSWER } from '../ledger/ledger.ts';

export type DeliveryOnceDeps = {
  ledger: Pick<Ledger, 'recordDelivery'>;
  answers: DeliveryAnswers;
  /** How long a delivery id is remembered: longer than the platform retries (default 24 h). */
  ttlMs?: number;
};

export type Delivered<T> =
  | { kind: 'first'; answer: T }
  | { kind: 'repeat'; answer: T }
  /** The first delivery is still at work (or failed without releasing its claim). */
  | { kind: 'in_progress' };

export const DEFAULT_DELIVERY_TTL_MS = 24 * 60 * 60 * 1000;

const PendingSchema = z.object({ pending: z.literal(true) });

/**
 * Runs `work` for the first delivery of `key` only. `answerSchema` checks a stored answer read back
 * (it crossed the ledger: checked, not cast). When `work` throws, the claim is released so the
 * platform's retry can act, and the error is rethrown.
 */
export async function deliverOnce<T>(
  key: DeliveryKey,
  work: () => Promise<T>,
  answerSchema: z.ZodMiniType<T>,
  deps: DeliveryOnceDeps,
): Promise<Delivered<T>> {
  const claimed = await deps.ledger.recordDelivery(
    key,
    PENDING_ANSWER,
    deps.ttlMs ?? DEFAULT_DELIVERY_TTL_MS,
  );
  if (!claimed.first) {
    if (PendingSchema.safeParse(claimed.existing).success) return { kind: 'in_progress' };
    const stored = answerSchema.safeParse(claimed.existing);
    if (!stored.success)
      throw new ValidationError(
        [{ path: 'answer', message: 'the stored answer does not have the expected shape' }],
        `delivery ${key.kind} answer unreadable`,
      );
    return { kind: 'repeat', answer: stored.data };
  }
  let answer: T;
  try {
    answer = await work();
  } catch (error) {
    await deps.answers.release(key);
    throw error;
  }
  await deps.answers.settle(key, answer);
  return { kind: 'first', answer };
}

const HttpAnswerSchema = z.object({ statusCode: z.number(), body: z.optional(z.unknown()) });

/**
 * A chat request's HTTP answer, given once: a repeat gets the first delivery's answer back (and
 * `onRepeat` is told), and a repeat while the first is still at work gets `inProgress`.
 */
export async function answerOnce(
  key: DeliveryKey,
  work: () => Promise<HttpResponse>,
  deps: DeliveryOnceDeps,
  answers: { inProgress: HttpResponse; onRepeat: () => void },
): Promise<HttpResponse> {
  const delivered = await deliverOnce(key, work, HttpAnswerSchema, deps);
  if (delivered.kind === 'in_progress') return answers.inProgress;
  if (delivered.kind === 'repeat') answers.onRepeat();
  return { statusCode: delivered.answer.statusCode, body: delivered.answer.body };
}

/**
 * Slack's identity of a delivery: a button press by its action (`action_id` and `action_ts`, which
 * Slack keeps on a retry), a slash command by its `trigger_id`.
 */
export function slackDeliveryKey(
  delivery: { actionId: string; actionTs: string } | { triggerId: string },
): DeliveryKey {
  return 'triggerId' in delivery
    ? { kind: 'slack', id: `trigger:${delivery.triggerId}` }
    : { kind: 'slack', id: `action:${delivery.actionId}:${delivery.actionTs}` };
}

/** Feishu's identity of a delivery: the event id (schema 2.0 `header.event_id`, or 1.0 `uuid`). */
export function feishuDeliveryKey(eventId: string): DeliveryKey {
  return { kind: 'feishu', id: eventId };
}
