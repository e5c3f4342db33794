/**
 * The shapes we read from Slack and Feishu/Lark payloads, checked rather than cast. Loose: platforms
 * add fields over time; only the ones used are required, and a payload missing one is not ours.
 */
import * as z from 'zod/mini';

const text = z.string();

/** A button's value: what to decide, so a click needs no state on our side. */
export const ButtonValueSchema = z.looseObject({ action: text, target: text, endpoint: text });
export type ButtonValue = z.infer<typeof ButtonValueSchema>;

export const SlackBlockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: text }),
  trigger_id: text,
  response_url: z.url({ protocol: /^https?$/ }),
  team: z.optional(z.looseObject({ id: z.optional(text) })),
  channel: z.optional(z.looseObject({ id: z.optional(text) })),
  actions: z.array(z.looseObject({ value: text, action_ts: z.optional(text) })).check(z.minLength(1)),
});

/** Feishu/Lark events, schema 2.0 (and the url_verification challenge, which has no header). */
export const FeishuEventSchema = z.looseObject({
  type: z.optional(text),
  challenge: z.optional(text),
  token: z.optional(text),
  uuid: z.optional(text),
  header: z.optional(
    z.looseObject({
      event_id: z.optional(text),
      event_type: z.optional(text),
      token: z.optional(text),
      /** Milliseconds since the epoch, as a string: when the event happened. */
      create_time: z.optional(text),
    }),
  ),
  event: z.optional(
    z.looseObject({
      sender: z.optional(
        z.looseObject({ sender_id: z.optional(z.looseObject({ open_id: z.optional(text) })) }),
      ),
      message: z.optional(
        z.looseObject({
          message_id: z.optional(text),
          message_type: z.optional(text),
          content: z.optional(text),
        }),
      ),
      operator: z.optional(z.looseObject({ open_id: z.optional(text) })),
      action: z.optional(z.looseObject({ value: z.optional(ButtonValueSchema) })),
      context: z.optional(z.looseObject({ open_message_id: z.optional(text) })),
    }),
  ),
});
export type FeishuEvent = z.infer<typeof FeishuEventSchema>;

/** Parses JSON text against a schema; undefined when it is not JSON or not of that shape. */
export function parseJsonAs<T>(schema: z.ZodMiniType<T>, raw: string): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
