/**
 * POST /decisions (API Gateway HTTP API, payload 2.0): approval-ticket webhooks. Queues the decision
 * (202), or executes it inline with `?wait=true` (200 with the outcome).
 */
import type { ContainerOverrides } from '../lib/app/container.ts';
import { webhookService } from '../lib/app/webhook-service.ts';
import { httpFunction } from '../lib/aws/http-function.ts';
import type { Env } from '../lib/secrets.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createWebhookHandler(env: Env, overrides: ContainerOverrides = {}) {
  return httpFunction('decision-webhook', webhookService(env, overrides), overrides.write);
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event, once.
export const handler = createWebhookHandler(process.env);
