/** The Slack command function's settings: its signing secret and who may decide, Huawei Cloud, the queue. */
import { type SlackCommandConfig, SlackCommandEnv, slackCommandFrom } from '../../lib/chatops/config.ts';
import type { Env } from '../../lib/secrets.ts';
import { type ChatFunctionConfig, ChatFunctionEnv, loadChatFunctionConfig } from '../commons/chat-config.ts';

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const SlackVariables = { ...ChatFunctionEnv, ...SlackCommandEnv };

export type SlackConfig = ChatFunctionConfig & SlackCommandConfig;

export function loadSlackConfig(env: Env = process.env): SlackConfig {
  return loadChatFunctionConfig(env, SlackCommandEnv, slackCommandFrom);
}
