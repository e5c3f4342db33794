/** The DingTalk function's settings: its app and card secrets and who may decide, Huawei Cloud, the queue. */
import {
  type DingtalkEventConfig,
  DingtalkEventEnv,
  dingtalkEventFrom,
} from '../../lib/chatops/china-config.ts';
import type { Env } from '../../lib/secrets.ts';
import { type ChatFunctionConfig, ChatFunctionEnv, loadChatFunctionConfig } from '../commons/chat-config.ts';

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const DingtalkVariables = { ...ChatFunctionEnv, ...DingtalkEventEnv };

export type DingtalkConfig = ChatFunctionConfig & DingtalkEventConfig;

export function loadDingtalkConfig(env: Env = process.env): DingtalkConfig {
  return loadChatFunctionConfig(env, DingtalkEventEnv, dingtalkEventFrom);
}
