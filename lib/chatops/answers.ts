/**
 * What Slack and Feishu/Lark answer to our calls, checked rather than cast: a token endpoint that
 * answers without a token, or a send that Feishu refuses with a non-zero `code` under HTTP 200, is
 * a failure like any HTTP error.
 */
import * as z from 'zod/mini';
import { parseJsonAs } from './payloads.ts';
import type { PostResult } from './post.ts';

/** POST /open-apis/auth/v3/tenant_access_token/internal. */
export const FeishuTokenAnswerSchema = z.looseObject({
  code: z.number(),
  msg: z.optional(z.string()),
  tenant_access_token: z.optional(z.string().check(z.minLength(1))),
  /** Seconds the token stays valid. */
  expire: z.optional(z.number().check(z.gte(0))),
});

/** Message reply (POST …/reply) and card update (PATCH …/messages/:id): `code` 0 is success. */
export const FeishuMessageAnswerSchema = z.looseObject({ code: z.number(), msg: z.optional(z.string()) });

/** A Slack response_url answers `ok` as text, or JSON `{ok, error}` (`expired_url`, `used_url`…). */
export const SlackResponseAnswerSchema = z.looseObject({ ok: z.boolean(), error: z.optional(z.string()) });

/**
 * A post's result with a platform refusal turned into an HTTP-like 4xx, so the retry loop (which
 * speaks HTTP status) treats a refusal as final. An answer of unknown shape under 2xx is a refusal
 * too: it is not what the platform sends.
 */
export function judgeFeishuAnswer(result: PostResult): PostResult {
  if (result.status < 200 || result.status >= 300) return result;
  const answer = parseJsonAs(FeishuMessageAnswerSchema, result.text);
  return answer?.code === 0 ? result : { status: 400, text: result.text };
}

export function judgeSlackAnswer(result: PostResult): PostResult {
  if (result.status < 200 || result.status >= 300) return result;
  if (result.text.trim() === 'ok') return result;
  const answer = parseJsonAs(SlackResponseAnswerSchema, result.text);
  return answer?.ok === true ? result : { status: 400, text: result.text };
}
