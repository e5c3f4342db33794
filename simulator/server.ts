/**
 * The Huawei Cloud simulator: a real HTTP server for the VPCEP v1 and APIG v2 connection APIs that
 * authenticates like the cloud, keeps connection state and injects faults (latency, throttling and
 * other error answers, resets, hangs). Tests, benchmarks and the local stack all run against it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { authenticate, type SimCredential } from './authenticate.ts';
import { type EstateRoute, matchEstateRoute, type SimAccount, SimEstate } from './estate.ts';
import { type Fault, FaultPlan, type FaultRule, type SimOp } from './faults.ts';
import { createRateLimiter, type RateLimits } from './rate-limit.ts';
import {
  changePermissions,
  connectionAction,
  describeConnections,
  listConnections,
  listPermissions,
  matchRoute,
  type Reply,
} from './routes.ts';
import { ConnectionStore, type SeedTarget, type SimConnection, type TargetKind } from './state.ts';

export type SimulatorOptions = {
  host?: string;
  port?: number;
  latencyMs?: number;
  credentials?: SimCredential[];
  tokens?: string[];
  clock?: () => Date;
  creatingMs?: number;
  /** Per-API token buckets; past them a call gets the API's own throttle answer (see rate-limit.ts). */
  rateLimits?: RateLimits;
  /** Accounts with their own keys, projects and agencies (simulator/estate.ts). */
  accounts?: SimAccount[];
};

export type SimCall = {
  op: SimOp | undefined;
  method: string;
  path: string;
  query: Record<string, string>;
  endpoints: string[] | undefined;
  httpStatus: number | undefined;
  requestId: string;
  errorCode?: string;
  startedAt: number;
  finishedAt?: number;
};

export type Simulator = {
  url: string;
  port: number;
  /** The listening server, for checks on where it binds. */
  server: Server;
  seed(target: SeedTarget): void;
  connection(
    kind: TargetKind,
    projectId: string,
    targetId: string,
    endpointId: string,
  ): SimConnection | undefined;
  /** Adds an account: its keys, its projects (whose targets then answer only its keys), its agencies. */
  addAccount(account: SimAccount): void;
  /** How many temporary keys IAM's agency call has issued. */
  readonly issuedKeys: number;
  /** The target's whitelist entries (`domain_id`s, `*`), or undefined for an unknown target. */
  permissions(kind: TargetKind, projectId: string, targetId: string): ReadonlySet<string> | undefined;
  /** Adds or removes whitelist entries as the console would, behind the tool's back. */
  changePermissions(
    key: { kind: TargetKind; projectId: string; targetId: string },
    add: boolean,
    domainIds: readonly string[],
  ): boolean;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  calls: SimCall[];
  countCalls(op?: SimOp): number;
  resetCalls(): void;
  close(): Promise<void>;
};

/** `POST /console/<projectId>/vpc-endpoint-services/<serviceId>/connections/<endpointId>/accept|reject`. */
const CONSOLE_ROUTE =
  /^\/console\/([0-9a-f]{32})\/vpc-endpoint-services\/([0-9a-fA-F-]{36})\/connections\/([0-9a-fA-F-]{36})\/(accept|reject)$/;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const store = new ConnectionStore();
  const faults = new FaultPlan();
  const calls: SimCall[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const estate = new SimEstate(options.clock ?? (() => new Date()));
  for (const account of options.accounts ?? []) estate.addAccount(account);
  const auth = {
    // An account's keys first: the same AK also given without an account is that account's.
    credentials: () => [...estate.credentials(), ...(options.credentials ?? [])],
    tokens: options.tokens ?? [],
    clock: options.clock ?? (() => new Date()),
  };
  const schedule = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const delay = (ms: number) => new Promise<void>((resolve) => schedule(resolve, ms));
  const limiter = createRateLimiter(options.rateLimits ?? {});

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://simulator');
    // The console's stand-in: a person changing a connection behind the tool's back (unsigned, as
    // the simulator listens on loopback only). What the next sweep reports as drift.
    const byHand = CONSOLE_ROUTE.exec(url.pathname);
    if (req.method === 'POST' && byHand !== null) {
      const [, projectId = '', serviceId = '', endpointId = '', action] = byHand;
      const connection = store.connection('vpcep', projectId, serviceId, endpointId);
      if (connection === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'no such connection' }));
        return;
      }
      store.setStatus(connection, action === 'accept' ? 'accepted' : 'rejected');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: connection.id, status: connection.status, by: 'console' }));
      return;
    }
    const rawQuery = (req.url ?? '').includes('?')
      ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1)
      : '';
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    const estateRoute = route === undefined ? matchEstateRoute(req.method ?? 'GET', url.pathname) : undefined;
    const parsed = parseJson(body);
    const op = route?.op ?? estateRoute?.op;
    const call: SimCall = {
      op: route?.permissionsChange === 'action' ? vpcepPermissionsOp(parsed) : op,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      endpoints: route?.action ? endpointsOf(parsed) : undefined,
      httpStatus: undefined,
      requestId: randomUUID().replaceAll('-', ''),
      startedAt: Date.now(),
    };
    calls.push(call);
    if ((options.latencyMs ?? 0) > 0) await delay(options.latencyMs ?? 0);
    const fault = faults.take(call.op);
    if (fault?.type === 'latency') await delay(fault.ms);
    const lost =
      (fault?.type === 'reset' || fault?.type === 'hang') && fault.afterApply !== true ? fault : undefined;
    if (lost?.type === 'reset') return void req.socket.destroy();
    if (lost?.type === 'hang') return;
    const reply = answer(fault, route, estateRoute, req, url, rawQuery, body, parsed);
    if (fault?.type === 'reset') return void req.socket.destroy();
    if (fault?.type === 'hang') return;
    if (fault?.type === 'body') {
      call.httpStatus = 200;
      call.finishedAt = Date.now();
      res.writeHead(200, {
        'content-type': fault.contentType ?? 'application/json',
        'x-request-id': call.requestId,
      });
      return void res.end(fault.body);
    }
    call.httpStatus = reply.status;
    call.finishedAt = Date.now();
    const code = (reply.body as { error_code?: string }).error_code;
    if (code !== undefined) call.errorCode = code;
    res.writeHead(reply.status, { 'content-type': 'application/json', 'x-request-id': call.requestId });
    res.end(JSON.stringify(reply.body));
  }

  function answer(
    fault: Fault | undefined,
    route: ReturnType<typeof matchRoute>,
    estateRoute: EstateRoute | undefined,
    req: IncomingMessage,
    url: URL,
    rawQuery: string,
    body: Buffer,
    parsed: unknown,
  ): Reply {
    const verdict = authenticate(
      { method: req.method ?? 'GET', rawPath: url.pathname, rawQuery, headers: req.headers, body },
      auth,
    );
    if (!verdict.ok)
      return { status: verdict.status, body: { error_code: verdict.code, error_msg: verdict.message } };
    // The gateway counts authenticated calls against the API's limit before anything else.
    const throttle = route === undefined ? undefined : limiter.check(route.kind);
    if (throttle !== undefined)
      return { status: throttle.status, body: { error_code: throttle.code, error_msg: throttle.message } };
    if (fault?.type === 'status') {
      return {
        status: fault.httpStatus,
        body: { error_code: fault.errorCode, error_msg: fault.errorMsg ?? `injected ${fault.errorCode}` },
      };
    }
    if (estateRoute !== undefined) {
      if (estateRoute.projectId !== undefined && !estate.mayUse(verdict.credential, estateRoute.projectId))
        return notYours();
      return estate.answer(estateRoute, verdict.credential, url.searchParams, parsed, store);
    }
    if (route === undefined)
      return {
        status: 404,
        body: {
          error_code: 'APIGW.0101',
          error_msg: 'The API does not exist or has not been published in the environment.',
        },
      };
    const projectHeader = req.headers['x-project-id'];
    if (typeof projectHeader === 'string' && projectHeader.toLowerCase() !== route.projectId.toLowerCase()) {
      return {
        status: 403,
        body: { error_code: 'APIGW.0302', error_msg: 'X-Project-Id does not match the project in the path' },
      };
    }
    if (!estate.mayUse(verdict.credential, route.projectId)) return notYours();
    if (route.describe) return describeConnections(store, route, parsed);
    if (route.permissionsChange !== undefined) return changePermissions(store, route, parsed);
    if (route.permissions) return listPermissions(store, route, url.searchParams);
    return route.action
      ? connectionAction(store, route, parsed, { creatingMs: options.creatingMs ?? 0, schedule })
      : listConnections(store, route, url.searchParams);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error_code: 'SIM.0500', error_msg: String(error) }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A busy port rejects (EADDRINUSE) instead of crashing the process with an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    server,
    seed: (target) => store.seed(target),
    connection: (kind, projectId, targetId, endpointId) =>
      store.connection(kind, projectId, targetId, endpointId),
    addAccount: (account) => estate.addAccount(account),
    get issuedKeys() {
      return estate.issued;
    },
    permissions: (kind, projectId, targetId) => store.permissions(kind, projectId, targetId),
    changePermissions: (key, add, domainIds) => store.changePermissions(key, add, domainIds),
    inject: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    calls,
    countCalls: (op) => calls.filter((c) => op === undefined || c.op === op).length,
    resetCalls: () => {
      calls.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Keys of one account used on another's project: the gateway refuses them, as Huawei's does. */
function notYours(): Reply {
  return {
    status: 403,
    body: { error_code: 'APIGW.0302', error_msg: 'The IAM user is not authorized to access the project.' },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** VPCEP's one whitelist route adds or removes by its body's `action`. */
function vpcepPermissionsOp(body: unknown): SimOp {
  return (body as { action?: unknown } | undefined)?.action === 'remove'
    ? 'vpcep.permissions.remove'
    : 'vpcep.permissions.add';
}

function endpointsOf(body: unknown): string[] | undefined {
  const endpoints = (body as { endpoints?: unknown } | undefined)?.endpoints;
  return Array.isArray(endpoints) ? endpoints.filter((e): e is string => typeof e === 'string') : undefined;
}
