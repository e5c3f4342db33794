/** The Feishu/Lark event function's settings: its app's keys and who may decide, Huawei Cloud, the queue. */
import { type FeishuEventConfig, FeishuEventEnv, feishuEventFrom } from '../../lib/chatops/config.ts';
import type { Env } from '../../lib/secrets.ts';
import { type ChatFunctionConfig, ChatFunctionEnv, loadChatFunctionConfig } from '../commons/chat-config.ts';

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const FeishuVariables = { ...ChatFunctionEnv, ...FeishuEventEnv };

export type FeishuConfig = ChatFunctionConfig & FeishuEventConfig;

export function loadFeishuConfig(env: Env = process.env): FeishuConfig {
  return loadChatFunctionConfig(env, FeishuEventEnv, feishuEventFrom);
}
