/** The decision webhook function's service: the container's clients wired into handleDecisionWebhook. */
import type { HttpRequest, HttpResponse } from '../aws/http-api.ts';
import type { Env } from '../secrets.ts';
import { handleDecisionWebhook } from '../webhook/handle.ts';
import { type ContainerOverrides, invocationDeadline, lazyContainer } from './container.ts';

export type InvocationContext = { getRemainingTimeInMillis(): number };

export function webhookService(env: Env, overrides: ContainerOverrides = {}) {
  const container = lazyContainer(env, overrides);
  return {
    async handle(request: HttpRequest, context: InvocationContext): Promise<HttpResponse> {
      const c = await container();
      try {
        return await handleDecisionWebhook(request, {
          auth: c.config.auth,
          huawei: c.config.core.huawei,
          allowedTargets: c.config.core.allowedTargets,
          queue: { enqueue: async (decision) => (await c.queue()).enqueue(decision) },
          executeAndPublish: (decision) =>
            c.executeAndPublish(decision, invocationDeadline(context.getRemainingTimeInMillis())),
          logger: c.logger,
        });
      } finally {
        c.metrics.flush();
      }
    },
  };
}
