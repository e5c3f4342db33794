/** POST /chatops/slack: the `/vpcep` slash command and its buttons (Slack's interactivity URL too). */
import { slackService } from '../lib/app/chatops-service.ts';
import type { ContainerOverrides } from '../lib/app/container.ts';
import { httpFunction } from '../lib/aws/http-function.ts';
import type { Env } from '../lib/secrets.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createSlackHandler(env: Env, overrides: ContainerOverrides = {}) {
  return httpFunction('chatops-slack', slackService(env, overrides), overrides.write);
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event, once.
export const handler = createSlackHandler(process.env);
