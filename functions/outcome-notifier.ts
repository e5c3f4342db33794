/**
 * Subscribed to the outcome topic (chat-originated outcomes only, by a filter on `sourceSystem`): posts
 * each outcome back to the Slack conversation or Feishu/Lark chat it was asked in. Its failures never
 * touch other subscribers; SNS delivers to each on its own.
 */
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import type { ContainerOverrides } from '../lib/app/container.ts';
import { notifierService } from '../lib/app/notifier-service.ts';
import type { Env } from '../lib/secrets.ts';

/** The handler for an environment; the local stack and tests build their own. */
export function createNotifierHandler(env: Env, overrides: ContainerOverrides = {}) {
  const service = notifierService(env, overrides);
  return middy<SNSEvent, void, Error, Context>().handler((event) => service.handle(event));
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event, once.
export const handler = createNotifierHandler(process.env);
