/**
 * Once across all containers, for the decision webhook. A delivery (a Standard Webhooks `webhook-id`,
 * or the hash of a hub-signed body) is answered once: a sender that retries after a timeout, or anyone
 * replaying a captured request (with `?wait=true` added: the query string is not signed), gets the first
 * answer back and causes nothing new. A decision id is acted on once: a second decision under an id
 * already seen is answered `duplicate` with the first one's state, instead of being queued and then
 * dropped by the queue's deduplication with no outcome ever.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Headers } from '../auth/types.ts';
import type { AuthScheme } from '../auth/webhook.ts';
import type { DeliveryAnswers } from '../ledger/delivery-answers.ts';
import { type DeliveryKey, type Ledger, PENDING_ANSWER } from '../ledger/ledger.ts';

export type WebhookOnceDeps = {
  ledger: Pick<Ledger, 'recordDelivery'>;
  answers: DeliveryAnswers;
  /** How long delivery and decision ids are remembered (default 24 h: longer than senders retry). */
  ttlMs?: number;
  /**
   * A claim still unanswered after this long belongs to a container that died mid-way (default 15
   * minutes, Lambda's longest run): the next delivery takes it over rather than waiting for the TTL.
   */
  staleAfterMs?: number;
  clock?: () => Date;
};

export const DEFAULT_STALE_CLAIM_MS = 15 * 60 * 1000;

export const DEFAULT_WEBHOOK_ONCE_TTL_MS = 24 * 60 * 60 * 1000;

export type StoredResponse = { statusCode: number; body: Record<string, unknown> };

const StoredResponseSchema = z.object({
  statusCode: z.number(),
  body: z.record(z.string(), z.unknown()),
});

/** The first decision's state under an id, as a duplicate is told it. */
export type DecisionState = { action: string; status: string };
const DecisionStateSchema = z.object({ action: z.string(), status: z.string() });

/** A claim's placeholder: pending since `claimedAt` (older records carry no time). */
const PendingSchema = z.object({ pending: z.literal(true), claimedAt: z.optional(z.string()) });

/**
 * The delivery's identity, when the scheme gives it one: Standard Webhooks' `webhook-id` (signed), or
 * the body's SHA-256 for a hub signature (which signs the body only). A bearer token identifies no
 * delivery; the decision id still dedupes.
 */
export function webhookDeliveryKey(
  scheme: AuthScheme,
  headers: Headers,
  body: Buffer,
): DeliveryKey | undefined {
  if (scheme === 'standard-webhooks') {
    const id = headers['webhook-id'];
    return id === undefined || id.length === 0 || id.length > 256 ? undefined : { kind: 'webhook-id', id };
  }
  if (scheme === 'hub-signature')
    return { kind: 'hub-body', id: createHash('sha256').update(body).digest('hex') };
  return undefined;
}

export type Claim<T> =
  /** Ours: `placeholder` is what to release it with if the work fails. */
  { kind: 'first'; placeholder: unknown } | { kind: 'repeat'; answer: T } | { kind: 'in_progress' };

/** Claims a delivery; a repeat gets the first delivery's stored response. */
export async function claimDelivery(key: DeliveryKey, deps: WebhookOnceDeps): Promise<Claim<StoredResponse>> {
  return claim(key, StoredResponseSchema, deps);
}

/**
 * Claims a decision id; a repeat gets the first decision's action and state. Kept for good, not for
 * the delivery window: a hub-signed or bearer body signs no time, so its bytes replayed a year later
 * must still find the id taken and execute nothing.
 */
export async function claimDecisionId(id: string, deps: WebhookOnceDeps): Promise<Claim<DecisionState>> {
  return claim({ kind: 'decision', id }, DecisionStateSchema, { ...deps, ttlMs: Number.POSITIVE_INFINITY });
}

async function claim<T>(
  key: DeliveryKey,
  schema: z.ZodMiniType<T>,
  deps: WebhookOnceDeps,
): Promise<Claim<T>> {
  const now = (deps.clock ?? (() => new Date()))();
  const placeholder = { ...PENDING_ANSWER, claimedAt: now.toISOString() };
  const ttlMs = deps.ttlMs ?? DEFAULT_WEBHOOK_ONCE_TTL_MS;
  let claimed = await deps.ledger.recordDelivery(key, placeholder, ttlMs);
  const abandoned = claimed.first ? undefined : abandonedPlaceholder(claimed.existing, now, deps);
  if (abandoned !== undefined) {
    // Removed only if it is still that very placeholder; then one claimant wins the fresh claim.
    await deps.answers.release(key, abandoned);
    claimed = await deps.ledger.recordDelivery(key, placeholder, ttlMs);
  }
  if (claimed.first) return { kind: 'first', placeholder };
  if (PendingSchema.safeParse(claimed.existing).success) return { kind: 'in_progress' };
  const stored = schema.safeParse(claimed.existing);
  // An answer of another shape (written by another version): the id is taken all the same.
  return stored.success ? { kind: 'repeat', answer: stored.data } : { kind: 'in_progress' };
}

function abandonedPlaceholder(existing: unknown, now: Date, deps: WebhookOnceDeps): unknown {
  const pending = PendingSchema.safeParse(existing);
  if (!pending.success || pending.data.claimedAt === undefined) return undefined;
  const age = now.getTime() - Date.parse(pending.data.claimedAt);
  return age > (deps.staleAfterMs ?? DEFAULT_STALE_CLAIM_MS) ? existing : undefined;
}
