/**
 * The decision webhook's logic, independent of API Gateway: authenticate the raw bytes, check size and
 * content type, validate, apply policy, then queue (202) or, with `?wait=true`, execute inline (200 with
 * the outcome, which is published too). Every refusal is thrown as a taxonomy error (lib/errors.ts);
 * lib/http/errors.ts turns it into the answer. With the ledger, a delivery is answered once: a repeat
 * gets the first answer, a refusal included (stored in the one error vocabulary).
 */

import { ticketApprovals } from '../approval/vouch.ts';
import type { Headers } from '../auth/types.ts';
import {
  type AuthScheme,
  authenticateWebhook,
  isAuthConfigured,
  type WebhookAuthConfig,
} from '../auth/webhook.ts';
import type { HuaweiConfig } from '../config.ts';
import { admitJson } from '../decision/admit.ts';
import { DEFAULT_MAX_DECISION_AGE_MS, judgeDecision, resolveDecidedAt } from '../decision/freshness.ts';
import type { Outcome } from '../decision/outcome.ts';
import { type AnyDecision, isWhitelistDecision, targetKey } from '../decision/schema.ts';
import {
  ConfigError,
  PolicyDeniedError,
  RequestRefusedError,
  toApprovalError,
  UnavailableError,
  ValidationError,
} from '../errors.ts';
import type { Estate } from '../estate/schema.ts';
import { errorResponse } from '../http/errors.ts';
import type { ApprovalStore } from '../ledger/approvals.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { DecisionQueue } from '../queue/enqueue.ts';
import type { Rules } from '../rules/rules.ts';
import {
  claimDecisionId,
  claimDelivery,
  type DecisionState,
  type WebhookOnceDeps,
  webhookDeliveryKey,
} from './once.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export type WebhookRequest = {
  headers: Headers;
  body: Buffer;
  query: Readonly<Record<string, string | undefined>>;
};
export type WebhookResponse = { statusCode: number; body: Record<string, unknown> };

export type WebhookDeps = {
  auth: WebhookAuthConfig;
  huawei: HuaweiConfig;
  allowedTargets: ReadonlySet<string> | undefined;
  /** VPCEP_APPROVAL_ESTATE: which targets are allowed when set (lib/decision/admit.ts). */
  estate?: Estate | undefined;
  queue: DecisionQueue;
  /** Executes and publishes; used for `?wait=true` (and `&dryRun=true`, which changes nothing). */
  executeAndPublish(decision: AnyDecision, options?: { dryRun?: boolean }): Promise<Outcome>;
  logger?: Logger;
  clock?: () => Date;
  /** The ledger: each delivery answered once, each decision id acted on once, across containers. */
  once?: WebhookOnceDeps;
  /** The rules document: which ticket systems vouch for their users' approvals (`trustedApprovers`). */
  rules?: Rules;
  /** Where vouched approvals are recorded, for the authority to count before anything is executed. */
  approvals?: Pick<ApprovalStore, 'recordVote'>;
  /** `VPCEP_APPROVAL_MAX_DECISION_AGE_MS`: an approval in an expired decision is not recorded. */
  maxDecisionAgeMs?: number;
};

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export async function handleDecisionWebhook(
  request: WebhookRequest,
  deps: WebhookDeps,
): Promise<WebhookResponse> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? (() => new Date());
  if (!isAuthConfigured(deps.auth)) {
    logger.error(
      'webhook authentication is not configured: set WEBHOOK_SIGNING_SECRET, WEBHOOK_HUB_SECRET or WEBHOOK_BEARER_TOKEN',
    );
    throw new ConfigError('WEBHOOK_SIGNING_SECRET', 'no authentication scheme is configured');
  }
  // Checked before authentication so that no one can make us hash an unbounded body.
  if (request.body.length > MAX_BODY_BYTES)
    throw new RequestRefusedError('payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
  const auth = authenticateWebhook(request.headers, request.body, deps.auth, clock());
  if (!auth.ok) {
    logger.warn('webhook authentication failed', { reason: auth.reason });
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  const once = deps.once;
  const key = once === undefined ? undefined : webhookDeliveryKey(auth.scheme, request.headers, request.body);
  if (once === undefined || key === undefined) return handleAuthenticated(request, auth.scheme, deps);

  let claimed: Awaited<ReturnType<typeof claimDelivery>>;
  try {
    claimed = await claimDelivery(key, once);
  } catch (error) {
    throw new UnavailableError('the delivery could not be checked; retry later', { cause: error });
  }
  if (claimed.kind === 'repeat') {
    logger.info('repeated delivery answered as the first', { kind: key.kind });
    return claimed.answer;
  }
  // Not a success: if the first delivery's container died mid-way, a sender told "fine" would never
  // send it again. A retry after the first has finished gets its answer.
  if (claimed.kind === 'in_progress')
    throw new UnavailableError('this delivery is still being processed; retry later');
  let response: WebhookResponse;
  try {
    response = await handleAuthenticated(request, auth.scheme, deps);
  } catch (error) {
    // A refusal (4xx) is the delivery's answer and is stored like any other; anything else lets the
    // claim go, so that the sender's retry can act.
    response = errorResponse(error);
    if (toApprovalError(error).statusCode >= 500) {
      await once.answers.release(key, claimed.placeholder).catch(() => undefined);
      throw error;
    }
    await once.answers.settle(key, response).catch((stored: unknown) => {
      logger.error('could not store the delivery answer', { kind: key.kind, error: stored });
    });
    throw error;
  }
  try {
    // A 5xx asks the sender to retry: the retry must be able to act, so the claim is let go.
    if (response.statusCode >= 500) await once.answers.release(key, claimed.placeholder);
    else await once.answers.settle(key, response);
  } catch (error) {
    logger.error('could not store the delivery answer', { kind: key.kind, error });
  }
  return response;
}

/** Everything after authentication: what the first delivery of a request gets. */
async function handleAuthenticated(
  request: WebhookRequest,
  scheme: AuthScheme,
  deps: WebhookDeps,
): Promise<WebhookResponse> {
  const logger = deps.logger ?? silentLogger;
  if (!JSON_TYPE.test(request.headers['content-type'] ?? ''))
    throw new RequestRefusedError('unsupported_media_type', 'the body must be application/json');
  const admission = admitJson(request.body.toString('utf8'), deps);
  if (!admission.ok && admission.kind === 'invalid') throw new ValidationError(admission.issues);
  if (!admission.ok) {
    const { decision, denial } = admission;
    logger.warn('decision denied by policy', { decisionId: decision.id, code: denial.code });
    throw new PolicyDeniedError(denial.message, decision.id);
  }
  const decision = datedBySignature(admission.decision, scheme, request.headers);
  const wait = request.query.wait === 'true';
  // A dry run reads the connections and publishes what would happen, acting on none (`npm run smoke`).
  // It answers with its outcome, so it needs wait=true; it claims no decision id, since the real
  // decision with that id may follow.
  const dryRun = request.query.dryRun === 'true';
  if (dryRun && !wait)
    throw new RequestRefusedError(
      'invalid_request',
      'dryRun=true needs wait=true: a dry run answers with its outcome',
    );
  logger.info('decision accepted', { decisionId: decision.id, scheme, wait, ...(dryRun ? { dryRun } : {}) });
  const once = dryRun ? undefined : deps.once;
  let decisionPlaceholder: unknown;
  if (once !== undefined) {
    let claimed: Awaited<ReturnType<typeof claimDecisionId>>;
    try {
      claimed = await claimDecisionId(decision.id, once);
    } catch (error) {
      throw new UnavailableError('the decision could not be checked; retry later', {
        cause: error,
        decisionId: decision.id,
      });
    }
    if (claimed.kind !== 'first') {
      logger.warn('decision id seen before: not acted on again', { decisionId: decision.id });
      return duplicateAnswer(decision.id, claimed.kind === 'repeat' ? claimed.answer : undefined);
    }
    decisionPlaceholder = claimed.placeholder;
  }
  try {
    await recordTicketApprovals(decision, deps, logger, (deps.clock ?? (() => new Date()))());
  } catch (error) {
    await settleQuietly(
      () => once?.answers.release({ kind: 'decision', id: decision.id }, decisionPlaceholder),
      logger,
    );
    throw new UnavailableError('the approvals could not be recorded; retry later', {
      cause: error,
      decisionId: decision.id,
    });
  }
  const decided = (status: string) =>
    once?.answers.settle({ kind: 'decision', id: decision.id }, { action: decision.action, status });
  const undecided = () => once?.answers.release({ kind: 'decision', id: decision.id }, decisionPlaceholder);
  if (wait) {
    try {
      const outcome = await deps.executeAndPublish(decision, dryRun ? { dryRun } : {});
      await settleQuietly(() => decided(outcome.status), logger);
      return { statusCode: 200, body: outcome as unknown as Record<string, unknown> };
    } catch (error) {
      // Only the publish can throw here (execution reports failures in the outcome). A 503 makes the
      // sender retry, and the replay makes no second action call, so the outcome is not lost.
      await settleQuietly(undecided, logger);
      throw new UnavailableError('the outcome could not be published; retry later', {
        cause: error,
        decisionId: decision.id,
      });
    }
  }
  try {
    await deps.queue.enqueue(decision);
  } catch (error) {
    // The sender will retry on a 503; the decision id dedupes it on the FIFO queue.
    await settleQuietly(undecided, logger);
    throw new UnavailableError('the decision could not be queued; retry later', {
      cause: error,
      decisionId: decision.id,
    });
  }
  await settleQuietly(() => decided('queued'), logger);
  return { statusCode: 202, body: { decisionId: decision.id, status: 'queued' } };
}

/**
 * The approvals a trusted ticket system vouches for (lib/approval/vouch.ts), recorded before the
 * decision is queued or run so the authority counts them. Any other `approvedBy` is a claim, logged.
 */
async function recordTicketApprovals(
  decision: AnyDecision,
  deps: WebhookDeps,
  logger: Logger,
  now: Date,
): Promise<void> {
  if (decision.approvedBy === undefined || isWhitelistDecision(decision)) return;
  // Given when the ticket decision was made; an expired (or future) one vouches for nothing, so it
  // cannot leave an approval behind for a later decision to count.
  const givenAt = resolveDecidedAt(decision.decidedAt, now);
  const timing = judgeDecision(
    {
      id: decision.id,
      decidedAt: givenAt,
      ...(decision.expiresAt === undefined ? {} : { expiresAt: decision.expiresAt }),
    },
    { now, maxAgeMs: deps.maxDecisionAgeMs ?? DEFAULT_MAX_DECISION_AGE_MS },
  );
  if (timing.status !== 'current') return;
  const vouched = deps.rules === undefined ? [] : ticketApprovals(decision, deps.rules);
  if (vouched.length < decision.approvedBy.length)
    logger.warn('approvedBy entries not vouched for are ignored', {
      decisionId: decision.id,
      given: decision.approvedBy.length,
      vouched: vouched.length,
    });
  if (vouched.length === 0 || deps.approvals === undefined) return;
  const target = targetKey(decision.target);
  const { approvals } = deps;
  await Promise.all(
    decision.endpoints.flatMap((endpointId) =>
      vouched.map((vote) =>
        approvals.recordVote({ target, endpointId, action: decision.action }, { ...vote, votedAt: givenAt }),
      ),
    ),
  );
}

/**
 * A decision without `decidedAt` is dated by the Standard Webhooks timestamp, which the signature
 * covers; the other schemes sign no time, so the queue's sent time (or the run's) dates it later.
 */
function datedBySignature(
  decision: AnyDecision,
  scheme: AuthScheme,
  headers: WebhookRequest['headers'],
): AnyDecision {
  const timestamp = headers['webhook-timestamp'];
  if (decision.decidedAt !== undefined || scheme !== 'standard-webhooks' || timestamp === undefined)
    return decision;
  return { ...decision, decidedAt: new Date(Number(timestamp) * 1000).toISOString() };
}

/** `200 duplicate`: the id was used before. A new decision needs a new id. */
function duplicateAnswer(decisionId: string, first: DecisionState | undefined): WebhookResponse {
  return {
    statusCode: 200,
    body: {
      decisionId,
      status: 'duplicate',
      previous: first ?? { status: 'in_progress' },
      message:
        'this decision id was received before and is not acted on again; a new decision needs a new id',
    },
  };
}

async function settleQuietly(run: () => Promise<void> | undefined, logger: Logger): Promise<void> {
  try {
    await run();
  } catch (error) {
    logger.error('could not store the decision id state', { error });
  }
}
