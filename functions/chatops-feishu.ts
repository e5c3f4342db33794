/** POST /chatops/feishu: Feishu/Lark message commands and card buttons (the event and callback URL). */
import { feishuService } from '../lib/app/chatops-service.ts';
import type { ContainerOverrides } from '../lib/app/container.ts';
import { httpFunction } from '../lib/aws/http-function.ts';
import type { Env } from '../lib/secrets.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createFeishuHandler(env: Env, overrides: ContainerOverrides = {}) {
  return httpFunction('chatops-feishu', feishuService(env, overrides), overrides.write);
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event, once.
export const handler = createFeishuHandler(process.env);
