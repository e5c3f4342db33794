/**
 * Planning: from the decision and the statuses read, which endpoints need an action call and how the
 * calls are cut. Pure, so the call counts (VPCEP one per endpoint, APIG ≤ 50 per call) are easy to test.
 */
import { wantedStatus } from '../decision/outcome.ts';
import type { Action } from '../decision/schema.ts';
import type { Connection } from '../huawei/connection-schema.ts';

export type EndpointPlan =
  /** Already in the wanted state: no call, `changed: false`. */
  | { endpointId: string; kind: 'unchanged'; current: Connection }
  /** An accept already under way (`creating`): no new call, only wait for it to settle. */
  | { endpointId: string; kind: 'settling'; current: Connection }
  /** Not on the target (absent from the list just read): no call, `not_found`. */
  | { endpointId: string; kind: 'not_found'; current: undefined }
  /** Needs an action call. */
  | { endpointId: string; kind: 'act'; current: Connection };

export function planEndpoints(
  action: Action,
  endpoints: readonly string[],
  current: ReadonlyMap<string, Connection>,
): EndpointPlan[] {
  const wanted = wantedStatus(action);
  return endpoints.map((endpointId) => {
    const connection = current.get(endpointId.toLowerCase());
    // Calling for it anyway would only earn Endpoint.2013 (VPCEP) or a 404 (APIG), at a call's cost.
    if (connection === undefined) return { endpointId, kind: 'not_found', current: undefined };
    if (connection.status === wanted) return { endpointId, kind: 'unchanged', current: connection };
    if (connection.status === 'creating' && action === 'accept') {
      return { endpointId, kind: 'settling', current: connection };
    }
    return { endpointId, kind: 'act', current: connection };
  });
}

/** Cuts the endpoints to act on into calls of at most `perCall` endpoints, in order. */
export function chunkCalls<T>(items: readonly T[], perCall: number): T[][] {
  const calls: T[][] = [];
  for (let i = 0; i < items.length; i += perCall) calls.push(items.slice(i, i + perCall));
  return calls;
}

/** Connections by lower-cased id: IDs are compared case-insensitively, `marker_id` never used. */
export function indexConnections(connections: readonly Connection[]): Map<string, Connection> {
  return new Map(connections.map((c) => [c.id.toLowerCase(), c]));
}
