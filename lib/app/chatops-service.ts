/** The chat-ops functions' services: the container's clients wired into the Slack and Feishu handlers. */
import type { HttpRequest, HttpResponse } from '../aws/http-api.ts';
import type { ChatDeps } from '../chatops/decide.ts';
import { handleFeishuRequest, RecentIds } from '../chatops/feishu.ts';
import { createFeishuApi, type FeishuApi } from '../chatops/feishu-api.ts';
import { postJson } from '../chatops/post.ts';
import { handleSlackRequest } from '../chatops/slack.ts';
import type { Env } from '../secrets.ts';
import { type Container, type ContainerOverrides, lazyContainer } from './container.ts';
import type { InvocationContext } from './webhook-service.ts';

/** Chat platforms give up after 3 s; a status read must leave time to answer. */
const STATUS_BUDGET_MS = 2_000;

function chatDeps(
  c: Container,
  allowlist: ChatDeps['allowlist'],
): Omit<ChatDeps, 'sourceKey'> & { sourceKey: string | undefined } {
  return {
    allowlist,
    sourceKey: c.config.chat.sourceSigningKey,
    allowedTargets: c.config.core.allowedTargets,
    huawei: c.config.core.huawei,
    queue: { enqueue: async (decision) => (await c.queue()).enqueue(decision) },
    readPending: (target) => c.readPending(target, Date.now() + STATUS_BUDGET_MS),
    logger: c.logger,
  };
}

export function slackService(env: Env, overrides: ContainerOverrides = {}) {
  const container = lazyContainer(env, overrides);
  return {
    async handle(request: HttpRequest, _context: InvocationContext): Promise<HttpResponse> {
      const c = await container();
      try {
        return await handleSlackRequest(request, {
          ...chatDeps(c, c.config.chat.slack.allowlist),
          signingSecret: c.config.chat.slack.signingSecret,
          async respond(url, message) {
            await postJson(url, message, { timeoutMs: 1_500 });
          },
        });
      } finally {
        c.metrics.flush();
      }
    },
  };
}

export function feishuService(env: Env, overrides: ContainerOverrides = {}) {
  const container = lazyContainer(env, overrides);
  const seen = new RecentIds();
  // One client per container, so its tenant token is reused until it nears expiry.
  let api: FeishuApi | undefined;
  return {
    async handle(request: HttpRequest, _context: InvocationContext): Promise<HttpResponse> {
      const c = await container();
      const { feishu } = c.config.chat;
      if (api === undefined && feishu.appId !== undefined && feishu.appSecret !== undefined)
        api = createFeishuApi({ apiBase: feishu.apiBase, appId: feishu.appId, appSecret: feishu.appSecret });
      try {
        return await handleFeishuRequest(request, {
          ...chatDeps(c, feishu.allowlist),
          encryptKey: feishu.encryptKey,
          verificationToken: feishu.verificationToken,
          system: feishu.apiBase.includes('larksuite') ? 'lark' : 'feishu',
          seen,
          ...(api === undefined
            ? {}
            : { reply: async (messageId, message) => void (await api?.reply(messageId, message)) }),
        });
      } finally {
        c.metrics.flush();
      }
    },
  };
}
