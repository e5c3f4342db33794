/**
 * The two operations the executor needs on either API: read a target's connections, and accept or
 * reject some of them. The client below does signing and retries; this layer knows paths and shapes.
 */
import { VpcepApprovalError } from '../errors.ts';
import type { ApiResult, HuaweiClient } from './client.ts';
import { type Connection, ConnectionListSchema, toConnection } from './connection-schema.ts';
import type { ServiceDescriptor } from './services.ts';

/** A target with everything resolved: which API, where, and in which project. */
export type ApiTarget = { descriptor: ServiceDescriptor; baseUrl: URL; projectId: string; targetId: string };

export type ApiAction = 'receive' | 'reject';

export type ConnectionsResult = ApiResult<Connection[]> & { requestIds: string[] };

/** Guards a hostile or buggy server that keeps saying there is more. */
const MAX_PAGES = 100;

export function connectionsUrl(target: ApiTarget, suffix = ''): URL {
  return new URL(
    target.descriptor.connectionsPath(target.projectId, target.targetId) + suffix,
    target.baseUrl,
  );
}

/**
 * Reads a target's connections, all pages, or just one endpoint's when `endpointId` is given.
 * Reading through the target (not the endpoint) works even when the endpoint is another account's.
 */
export async function listConnections(
  client: HuaweiClient,
  target: ApiTarget,
  options: {
    deadlineAt: number;
    endpointId?: string;
    op?: string;
    /** Told when a page's request has left (see ApiCall.onSent). */
    onSent?: () => void;
  },
): Promise<ConnectionsResult> {
  const limit = target.descriptor.maxPageSize;
  const connections: Connection[] = [];
  const requestIds: string[] = [];
  let attempts = 0;
  const op = options.op ?? `${target.descriptor.service}.list`;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await readConnectionsPage(client, target, page, {
      op,
      deadlineAt: options.deadlineAt,
      ...(options.endpointId === undefined ? {} : { query: { id: options.endpointId } }),
      ...(options.onSent === undefined ? {} : { onSent: options.onSent }),
    });
    attempts += result.attempts;
    if (!result.ok) return { ...result, attempts, requestIds };
    if (result.requestId !== undefined) requestIds.push(result.requestId);
    const parsed = ConnectionListSchema.safeParse(result.body);
    if (!parsed.success)
      return { ok: false, error: malformedConnectionList(op, result.requestId), attempts, requestIds };
    connections.push(...parsed.data.connections.map(toConnection));
    const total = parsed.data.total_count ?? parsed.data.total;
    const done =
      parsed.data.connections.length < limit || (total !== undefined && connections.length >= total);
    if (done)
      return {
        ok: true,
        body: connections,
        httpStatus: result.httpStatus,
        requestId: result.requestId,
        attempts,
        requestIds,
      };
  }
  return {
    ok: false,
    error: new VpcepApprovalError('TOO_MANY_PAGES', 'connection list did not end'),
    attempts,
    requestIds,
  };
}

/** One action call: accept (`receive`) or reject the given endpoints, at most the API's per-call maximum. */
export async function connectionAction(
  client: HuaweiClient,
  target: ApiTarget,
  action: ApiAction,
  endpoints: readonly string[],
  deadlineAt: number,
): Promise<ApiResult<Connection[]>> {
  if (endpoints.length === 0 || endpoints.length > target.descriptor.maxEndpointsPerAction) {
    throw new RangeError(
      `${target.descriptor.service} takes 1 to ${target.descriptor.maxEndpointsPerAction} endpoints per call`,
    );
  }
  const op = `${target.descriptor.service}.action`;
  const result = await client.call<unknown>({
    op,
    method: 'POST',
    url: connectionsUrl(target, '/action'),
    projectId: target.projectId,
    body: { action, endpoints },
    deadlineAt,
  });
  if (!result.ok) return result;
  const parsed = ConnectionListSchema.safeParse(result.body);
  if (!parsed.success)
    return { ok: false, error: malformedConnectionList(op, result.requestId), attempts: result.attempts };
  return { ...result, body: parsed.data.connections.map(toConnection) };
}

/** One page of a target's connection list, `query` narrowing it (`id`, `status`). */
export function readConnectionsPage(
  client: HuaweiClient,
  target: ApiTarget,
  page: number,
  options: { op: string; deadlineAt: number; query?: Record<string, string>; onSent?: () => void },
): Promise<ApiResult<unknown>> {
  const limit = target.descriptor.maxPageSize;
  const url = connectionsUrl(target);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('offset', String(page * limit));
  return client.call<unknown>({
    op: options.op,
    method: 'GET',
    url,
    projectId: target.projectId,
    deadlineAt: options.deadlineAt,
    ...(options.onSent === undefined ? {} : { onSent: options.onSent }),
  });
}

/** An answer that is not the connection list the API documents. */
export function malformedConnectionList(op: string, requestId?: string): VpcepApprovalError {
  const id = requestId === undefined ? '' : ` (request ${requestId})`;
  return new VpcepApprovalError(
    'MALFORMED_RESPONSE',
    `${op} answered a body that is not a connection list${id}`,
    {
      statusCode: 502,
    },
  );
}
