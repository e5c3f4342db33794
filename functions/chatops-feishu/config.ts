/** The Feishu/Lark event function's settings: its app's keys and who may decide, Huawei Cloud, the queue. */
import { type FeishuEventConfig, FeishuEventEnv, feishuEventFrom } from '../../lib/chatops/config.ts';
import type { Env } from '../../lib/secrets.ts';
import { type ChatFunctionConfig, loadChatFunctionConfig } from '../commons/chat-config.ts';

export type FeishuConfig = ChatFunctionConfig & FeishuEventConfig;

export function loadFeishuConfig(env: Env = process.env): FeishuConfig {
  return loadChatFunctionConfig(env, FeishuEventEnv, feishuEventFrom);
}
