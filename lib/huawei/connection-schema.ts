/**
 * What the connection APIs answer, checked rather than cast. Unknown fields pass: Huawei adds fields
 * over time and an extra one must not break a decision. `marker_id` is left alone on purpose: its values
 * exceed JavaScript's safe integer range, so nothing may key on it or do arithmetic with it.
 */
import * as z from 'zod/mini';

const nonEmpty = z.string().check(z.minLength(1));
const optionalText = z.optional(z.string());

export const ConnectionSchema = z.looseObject({
  id: nonEmpty,
  status: nonEmpty,
  domain_id: optionalText,
  created_at: optionalText,
  error: z.optional(z.array(z.looseObject({ error_code: optionalText, error_message: optionalText }))),
});

export type Connection = {
  id: string;
  status: string;
  domainId?: string;
  /** When the consumer asked, as Huawei reports it: what `rejectPendingAfterHours` is judged by. */
  createdAt?: string;
  /** Present when status is `failed`. */
  errors?: Array<{ code?: string; message?: string }>;
};

/** Both APIs answer `{connections: [...]}`; VPCEP adds `total_count`, APIG `size` and `total`. */
export const ConnectionListSchema = z.looseObject({
  connections: z._default(z.array(ConnectionSchema), []),
  total_count: z.optional(z.number()),
  total: z.optional(z.number()),
});

export function toConnection(raw: z.infer<typeof ConnectionSchema>): Connection {
  const connection: Connection = { id: raw.id, status: raw.status };
  if (raw.domain_id !== undefined) connection.domainId = raw.domain_id;
  if (raw.created_at !== undefined) connection.createdAt = raw.created_at;
  if (raw.error !== undefined) {
    connection.errors = raw.error.map((e) => ({ code: e.error_code, message: e.error_message }));
  }
  return connection;
}
