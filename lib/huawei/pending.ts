/**
 * A target's connections in one status, with what the approval loop needs from each: the consumer's
 * account (`domain_id`) and when it asked (`created_at`). Huawei documents no notification for a new
 * connection request, so a timed sweep of `status=pendingAcceptance` is how requests are noticed.
 */
import * as z from 'zod/mini';
import { VpcepApprovalError } from '../errors.ts';
import type { ApiResult, HuaweiClient } from './client.ts';
import { ConnectionSchema } from './connection-schema.ts';
import { type ApiTarget, malformedConnectionList, readConnectionsPage } from './connections.ts';

export type ListedConnection = { endpointId: string; status: string; domainId?: string; createdAt?: string };

const ListedSchema = z.looseObject({
  connections: z._default(z.array(z.extend(ConnectionSchema, { created_at: z.optional(z.string()) })), []),
  total_count: z.optional(z.number()),
  total: z.optional(z.number()),
});

/** Guards a server that keeps saying there is more. */
const MAX_PAGES = 100;

/** Every connection of `target` in `status` (`pendingAcceptance`, `accepted`, …; undefined: any), all pages. */
export async function listConnectionsByStatus(
  client: HuaweiClient,
  target: ApiTarget,
  status: string | undefined,
  options: { deadlineAt: number },
): Promise<ApiResult<ListedConnection[]>> {
  const limit = target.descriptor.maxPageSize;
  const op = `${target.descriptor.service}.list`;
  const listed: ListedConnection[] = [];
  let attempts = 0;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await readConnectionsPage(client, target, page, {
      op,
      deadlineAt: options.deadlineAt,
      query: status === undefined ? {} : { status },
    });
    attempts += result.attempts;
    if (!result.ok) return { ...result, attempts };
    const parsed = ListedSchema.safeParse(result.body);
    if (!parsed.success) return { ok: false, error: malformedConnectionList(op, result.requestId), attempts };
    for (const c of parsed.data.connections) {
      listed.push({
        endpointId: c.id,
        status: c.status,
        ...(c.domain_id === undefined ? {} : { domainId: c.domain_id }),
        ...(c.created_at === undefined ? {} : { createdAt: c.created_at }),
      });
    }
    const total = parsed.data.total_count ?? parsed.data.total;
    if (parsed.data.connections.length < limit || (total !== undefined && listed.length >= total))
      return { ok: true, body: listed, httpStatus: result.httpStatus, requestId: result.requestId, attempts };
  }
  return {
    ok: false,
    error: new VpcepApprovalError('TOO_MANY_PAGES', 'connection list did not end'),
    attempts,
  };
}
