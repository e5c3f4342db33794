/** The API routes the simulator serves, as pure functions of the store and the request. */
import type { SimOp } from './faults.ts';
import type { ConnectionStore, SimConnection, TargetKind } from './state.ts';

export type Route = {
  op: SimOp;
  kind: TargetKind;
  projectId: string;
  targetId: string;
  action: boolean;
  /** PUT …/connections/description (VPCEP only: APIG documents no such API). */
  describe: boolean;
  /** GET …/permissions: the target's whitelist. */
  permissions: boolean;
  /** POST …/permissions/action (VPCEP), …/permissions/batch-add|batch-delete (APIG): change it. */
  permissionsChange?: 'action' | 'add' | 'remove';
};

const PERMISSION_ROUTES: Array<{ pattern: RegExp; kind: TargetKind }> = [
  { pattern: /^\/v1\/([^/]+)\/vpc-endpoint-services\/([^/]+)\/permissions(\/action)?\/?$/, kind: 'vpcep' },
  {
    pattern:
      /^\/v2\/([^/]+)\/apigw\/instances\/([^/]+)\/vpc-endpoint\/permissions(\/batch-add|\/batch-delete)?\/?$/,
    kind: 'apig',
  },
];

const CHANGES: Record<string, 'action' | 'add' | 'remove'> = {
  '/action': 'action',
  '/batch-add': 'add',
  '/batch-delete': 'remove',
};

const ROUTES: Array<{ pattern: RegExp; kind: TargetKind }> = [
  {
    pattern: /^\/v1\/([^/]+)\/vpc-endpoint-services\/([^/]+)\/connections(\/action|\/description)?\/?$/,
    kind: 'vpcep',
  },
  {
    pattern: /^\/v2\/([^/]+)\/apigw\/instances\/([^/]+)\/vpc-endpoint\/connections(\/action)?\/?$/,
    kind: 'apig',
  },
];

export function matchRoute(method: string, path: string): Route | undefined {
  for (const { pattern, kind } of PERMISSION_ROUTES) {
    const m = pattern.exec(path);
    if (m === null) continue;
    const change = m[3] === undefined ? undefined : CHANGES[m[3]];
    if (method !== (change === undefined ? 'GET' : 'POST')) return undefined;
    return {
      // VPCEP's one action route is named by its body's action once read (server.ts).
      op:
        change === undefined
          ? `${kind}.permissions`
          : `${kind}.permissions.${change === 'remove' ? 'remove' : 'add'}`,
      kind,
      projectId: m[1] as string,
      targetId: m[2] as string,
      action: false,
      describe: false,
      permissions: true,
      ...(change === undefined ? {} : { permissionsChange: change }),
    };
  }
  for (const { pattern, kind } of ROUTES) {
    const m = pattern.exec(path);
    if (m === null) continue;
    const action = m[3] === '/action';
    const describe = m[3] === '/description';
    if (method !== (describe ? 'PUT' : action ? 'POST' : 'GET')) return undefined;
    return {
      op: `${kind}.${describe ? 'describe' : action ? 'action' : 'list'}` as SimOp,
      kind,
      projectId: m[1] as string,
      targetId: m[2] as string,
      action,
      describe,
      permissions: false,
    };
  }
  return undefined;
}

export type Reply = { status: number; body: unknown };

const error = (status: number, code: string, msg: string): Reply => ({
  status,
  body: { error_code: code, error_msg: msg },
});

const LIMITS: Record<TargetKind, { max: number; fallback: number; perAction: number }> = {
  vpcep: { max: 1000, fallback: 10, perAction: 1 },
  apig: { max: 500, fallback: 20, perAction: 50 },
};

function missingTarget(kind: TargetKind): Reply {
  return kind === 'vpcep'
    ? error(404, 'EndPoint.2003', 'The endpoint service does not exist.')
    : error(404, 'APIC.7302', 'Instance not found');
}

export function listConnections(store: ConnectionStore, route: Route, query: URLSearchParams): Reply {
  const target = store.target(route.kind, route.projectId, route.targetId);
  if (target === undefined) return missingTarget(route.kind);
  const { max, fallback } = LIMITS[route.kind];
  const limit = query.has('limit') ? Number(query.get('limit')) : fallback;
  const offset = query.has('offset') ? Number(query.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > max || !Number.isInteger(offset) || offset < 0) {
    return route.kind === 'vpcep'
      ? error(400, 'EndPoint.0002', 'Invalid limit or offset.')
      : error(400, 'APIG.2012', 'Invalid parameter value: limit');
  }
  const id = query.get('id')?.toLowerCase();
  const status = query.get('status');
  const marker = query.get('marker_id');
  const matching = [...target.values()].filter(
    (c) =>
      (id == null || c.id.toLowerCase() === id) &&
      (status == null || c.status === status) &&
      (marker == null || c.marker_id === marker),
  );
  const page = matching.slice(offset, offset + limit).map(copy);
  if (route.kind === 'vpcep')
    return { status: 200, body: { connections: page, total_count: matching.length } };
  return { status: 200, body: { size: page.length, total: matching.length, connections: page } };
}

/**
 * GET …/permissions: the whitelist, paged like the connection lists. VPCEP answers `permissions` with
 * `total_count`, APIG `permissions` with `total` and `size`; each entry is `iam:domain::<domain_id>`.
 */
export function listPermissions(store: ConnectionStore, route: Route, query: URLSearchParams): Reply {
  const permissions = store.permissions(route.kind, route.projectId, route.targetId);
  if (permissions === undefined) return missingTarget(route.kind);
  const { max, fallback } = LIMITS[route.kind];
  const limit = query.has('limit') ? Number(query.get('limit')) : fallback;
  const offset = query.has('offset') ? Number(query.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 0 || limit > max || !Number.isInteger(offset) || offset < 0)
    return error(400, route.kind === 'vpcep' ? 'EndPoint.0002' : 'APIG.2012', 'Invalid limit or offset.');
  const all = [...permissions].map((domainId, i) => ({
    id: `perm-${i}`,
    permission: domainId === '*' ? '*' : `iam:domain::${domainId}`,
    permission_type: 'domainId',
    created_at: '2026-01-01T00:00:00Z',
  }));
  const page = all.slice(offset, offset + limit);
  if (route.kind === 'vpcep') return { status: 200, body: { permissions: page, total_count: all.length } };
  return { status: 200, body: { permissions: page, size: page.length, total: all.length } };
}

const PERMISSION_ENTRY = /^iam:domain::([0-9a-f]{32})$/;

/**
 * POST …/permissions/action (VPCEP: `{"permissions":[…],"action":"add"|"remove"}`) or
 * …/permissions/batch-add|batch-delete (APIG: `{"permissions":[…]}`), 1 to 50 `iam:domain::<32 hex>`
 * entries. Every entry is checked before any is applied; the answer lists the entries changed.
 */
export function changePermissions(store: ConnectionStore, route: Route, body: unknown): Reply {
  const vpcep = route.kind === 'vpcep';
  const bad = (what: string) =>
    vpcep
      ? error(400, 'EndPoint.0002', `Invalid parameter: ${what}.`)
      : error(400, 'APIG.2011', `Invalid parameter value: ${what}`);
  if (store.permissions(route.kind, route.projectId, route.targetId) === undefined)
    return missingTarget(route.kind);
  const { permissions, action } = (body ?? {}) as { permissions?: unknown; action?: unknown };
  let add = route.permissionsChange === 'add';
  if (route.permissionsChange === 'action') {
    if (action !== 'add' && action !== 'remove') return error(400, 'EndPoint.2027', 'Invalid action.');
    add = action === 'add';
  }
  if (!Array.isArray(permissions) || permissions.length === 0 || permissions.length > 50)
    return bad('permissions');
  const domainIds: string[] = [];
  for (const entry of permissions) {
    const m = typeof entry === 'string' ? PERMISSION_ENTRY.exec(entry.toLowerCase()) : null;
    if (m === null) return bad('permissions');
    domainIds.push(m[1] as string);
  }
  store.changePermissions(route, add, domainIds);
  const entries = domainIds.map((d) => `iam:domain::${d}`);
  return {
    status: 200,
    body: vpcep ? { permissions: entries } : { permissions: entries, size: entries.length },
  };
}

export type ActionEffects = { creatingMs: number; schedule(fn: () => void, ms: number): void };

export function connectionAction(
  store: ConnectionStore,
  route: Route,
  body: unknown,
  effects: ActionEffects,
): Reply {
  const target = store.target(route.kind, route.projectId, route.targetId);
  if (target === undefined) return missingTarget(route.kind);
  const { action, endpoints } = (body ?? {}) as { action?: unknown; endpoints?: unknown };
  const vpcep = route.kind === 'vpcep';
  if (action !== 'receive' && action !== 'reject') {
    return vpcep
      ? error(400, 'EndPoint.2027', 'Invalid action.')
      : error(400, 'APIG.2011', 'Invalid parameter value: action');
  }
  const { perAction } = LIMITS[route.kind];
  if (
    !Array.isArray(endpoints) ||
    endpoints.length === 0 ||
    endpoints.length > perAction ||
    endpoints.some((e) => typeof e !== 'string')
  ) {
    return vpcep
      ? error(400, 'EndPoint.2031', 'Only one endpoint is allowed.')
      : error(400, 'APIG.2011', 'Invalid parameter value: endpoints');
  }
  const found: SimConnection[] = [];
  for (const id of endpoints as string[]) {
    const connection = target.get(id.toLowerCase());
    if (connection === undefined) {
      return vpcep
        ? error(400, 'Endpoint.2013', 'The endpoint does not belong to the endpoint service.')
        : error(404, 'APIC.7314', 'VPC endpoint not found');
    }
    if (vpcep && action === 'receive' && connection.status === 'accepted')
      return error(400, 'EndPoint.2014', 'The endpoint is already connected.');
    found.push(connection);
  }
  for (const connection of found) {
    if (action === 'reject') {
      store.setStatus(connection, 'rejected');
    } else if (effects.creatingMs > 0) {
      store.setStatus(connection, 'creating');
      effects.schedule(() => {
        if (connection.status === 'creating') store.setStatus(connection, 'accepted');
      }, effects.creatingMs);
    } else {
      store.setStatus(connection, 'accepted');
    }
  }
  const connections = found.map(copy);
  return {
    status: 200,
    body: vpcep ? { connections } : { size: connections.length, total: connections.length, connections },
  };
}

/** Huawei's limits on a connection description: 0 to 512 characters, no `<` or `>`. */
export const MAX_DESCRIPTION = 512;

/**
 * PUT …/connections/description: `{"connections":[{"id","description"}]}`. Every entry is checked
 * before any is stored, and the updated connections are answered.
 */
export function describeConnections(store: ConnectionStore, route: Route, body: unknown): Reply {
  const target = store.target(route.kind, route.projectId, route.targetId);
  if (target === undefined) return missingTarget(route.kind);
  const entries = (body as { connections?: unknown } | undefined)?.connections;
  if (!Array.isArray(entries) || entries.length === 0)
    return error(400, 'EndPoint.0002', 'Invalid parameter: connections.');
  const updates: Array<{ connection: SimConnection; description: string }> = [];
  for (const entry of entries as Array<{ id?: unknown; description?: unknown }>) {
    const { id, description } = entry ?? {};
    if (typeof id !== 'string') return error(400, 'EndPoint.0002', 'Invalid parameter: id.');
    if (
      typeof description !== 'string' ||
      [...description].length > MAX_DESCRIPTION ||
      /[<>]/.test(description)
    )
      return error(400, 'EndPoint.0002', 'Invalid parameter: description.');
    const connection = target.get(id.toLowerCase());
    if (connection === undefined)
      return error(400, 'Endpoint.2013', 'The endpoint does not belong to the endpoint service.');
    updates.push({ connection, description });
  }
  for (const { connection, description } of updates) {
    connection.description = description;
    connection.updated_at = new Date().toISOString();
  }
  return { status: 200, body: { connections: updates.map(({ connection }) => copy(connection)) } };
}

function copy(connection: SimConnection): SimConnection {
  return { ...connection };
}
