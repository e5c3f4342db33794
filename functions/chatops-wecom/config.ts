/** The WeCom function's settings: its callback secrets and who may decide, Huawei Cloud, the queue. */
import { type WecomEventConfig, WecomEventEnv, wecomEventFrom } from '../../lib/chatops/china-config.ts';
import type { Env } from '../../lib/secrets.ts';
import { type ChatFunctionConfig, ChatFunctionEnv, loadChatFunctionConfig } from '../commons/chat-config.ts';

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const WecomVariables = { ...ChatFunctionEnv, ...WecomEventEnv };

export type WecomConfig = ChatFunctionConfig & WecomEventConfig;

export function loadWecomConfig(env: Env = process.env): WecomConfig {
  return loadChatFunctionConfig(env, WecomEventEnv, wecomEventFrom);
}
