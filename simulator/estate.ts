/**
 * The simulator's accounts: several Huawei Cloud accounts, each with its own keys and a project per
 * region, agencies that let another account act in it, and what goes with them — IAM's agency call
 * (temporary keys that expire and need `X-Security-Token`), the projects lookup, and the listings of
 * endpoint services and APIG gateways. A project's targets answer only its account's keys.
 */
import { randomBytes } from 'node:crypto';
import type { SimCredential } from './authenticate.ts';
import type { SimOp } from './faults.ts';
import type { Reply } from './routes.ts';
import type { ConnectionStore, TargetKind } from './state.ts';

export type SimAccount = {
  domainId: string;
  /** Shown in the projects answer; defaults to the domain id. */
  name?: string;
  /** The account's permanent keys. */
  credentials?: Array<{ ak: string; sk: string }>;
  /** Region → project id. */
  projects: Record<string, string>;
  /** Agencies in this account, each trusting the accounts (domain ids) that may assume it. */
  agencies?: Array<{ name: string; trusts: string[] }>;
};

export type EstateRoute = { op: SimOp; kind?: TargetKind; projectId?: string };

const IAM_ROUTES: Array<{ method: string; pattern: RegExp; op: SimOp; kind?: TargetKind }> = [
  { method: 'POST', pattern: /^\/v3\.0\/OS-CREDENTIAL\/securitytokens\/?$/, op: 'iam.assumeRole' },
  { method: 'GET', pattern: /^\/v3\/projects\/?$/, op: 'iam.projects' },
  {
    method: 'GET',
    pattern: /^\/v1\/([^/]+)\/vpc-endpoint-services\/?$/,
    op: 'vpcep.discover',
    kind: 'vpcep',
  },
  { method: 'GET', pattern: /^\/v2\/([^/]+)\/apigw\/instances\/?$/, op: 'apig.discover', kind: 'apig' },
];

export function matchEstateRoute(method: string, path: string): EstateRoute | undefined {
  for (const route of IAM_ROUTES) {
    const m = route.pattern.exec(path);
    if (m === null || method !== route.method) continue;
    return {
      op: route.op,
      ...(route.kind === undefined ? {} : { kind: route.kind }),
      ...(m[1] === undefined ? {} : { projectId: m[1] }),
    };
  }
  return undefined;
}

/** IAM answers its errors Keystone's way: `{"error":{"code","title","message"}}`. */
const iamError = (status: number, title: string, message: string): Reply => ({
  status,
  body: { error: { code: status, title, message } },
});

export class SimEstate {
  readonly #accounts: SimAccount[] = [];
  readonly #temporary: SimCredential[] = [];
  readonly #owners = new Map<string, string>();
  readonly #clock: () => Date;
  /** Temporary keys issued, for tests that count them. */
  issued = 0;

  constructor(clock: () => Date) {
    this.#clock = clock;
  }

  addAccount(account: SimAccount): void {
    const domainId = account.domainId.toLowerCase();
    this.#accounts.push({ ...account, domainId });
    for (const projectId of Object.values(account.projects))
      this.#owners.set(projectId.toLowerCase(), domainId);
  }

  /** Every key the gateway knows, temporary ones included (expired ones too: they answer "expired"). */
  credentials(): SimCredential[] {
    const permanent = this.#accounts.flatMap((a) =>
      (a.credentials ?? []).map((c) => ({ ...c, domainId: a.domainId })),
    );
    return [...permanent, ...this.#temporary];
  }

  /** The account owning a project, if any account declares it. */
  ownerOf(projectId: string): string | undefined {
    return this.#owners.get(projectId.toLowerCase());
  }

  /**
   * Whether `credential` may act in `projectId`: a project an account declares answers only that
   * account's keys; a project no account declares, any valid keys (the single-account simulator).
   */
  mayUse(credential: SimCredential | undefined, projectId: string): boolean {
    const owner = this.ownerOf(projectId);
    return owner === undefined || owner === credential?.domainId?.toLowerCase();
  }

  answer(
    route: EstateRoute,
    credential: SimCredential | undefined,
    query: URLSearchParams,
    body: unknown,
    store: ConnectionStore,
  ): Reply {
    if (route.op === 'iam.assumeRole') return this.#assumeRole(credential, body);
    if (route.op === 'iam.projects') return this.#projects(credential, query);
    const kind = route.kind as TargetKind;
    const projectId = route.projectId as string;
    const ids = store.targetIds(kind, projectId);
    const max = kind === 'vpcep' ? 1000 : 500;
    const limit = query.has('limit') ? Number(query.get('limit')) : kind === 'vpcep' ? 10 : 20;
    const offset = query.has('offset') ? Number(query.get('offset')) : 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > max || !Number.isInteger(offset) || offset < 0)
      return {
        status: 400,
        body: {
          error_code: kind === 'vpcep' ? 'EndPoint.0002' : 'APIG.2012',
          error_msg: 'Invalid limit or offset.',
        },
      };
    const page = ids.slice(offset, offset + limit);
    if (kind === 'vpcep')
      return {
        status: 200,
        body: {
          endpoint_services: page.map((id) => ({
            id,
            service_name: `sim.${id.slice(0, 8)}`,
            status: 'available',
            approval_enabled: true,
          })),
          total_count: ids.length,
        },
      };
    return {
      status: 200,
      body: {
        instances: page.map((id) => ({ id, instance_name: `sim-${id.slice(0, 8)}`, status: 'Running' })),
        total: ids.length,
        size: page.length,
      },
    };
  }

  #assumeRole(caller: SimCredential | undefined, body: unknown): Reply {
    if (caller?.domainId === undefined || caller.securityToken !== undefined)
      return iamError(403, 'Forbidden', 'assume_role needs the permanent keys of an account');
    const role = (
      body as { auth?: { identity?: { methods?: unknown; assume_role?: Record<string, unknown> } } }
    )?.auth?.identity;
    const assume = role?.assume_role;
    if (!Array.isArray(role?.methods) || !role.methods.includes('assume_role') || assume === undefined)
      return iamError(400, 'Bad Request', 'auth.identity.methods must include assume_role');
    const duration = assume.duration_seconds ?? 900;
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 900 || duration > 86400)
      return iamError(400, 'Bad Request', 'duration_seconds must be from 900 to 86400');
    const target = this.#accounts.find((a) => a.domainId === String(assume.domain_id ?? '').toLowerCase());
    const agency = target?.agencies?.find((g) => g.name === assume.agency_name);
    if (target === undefined || agency === undefined)
      return iamError(404, 'Not Found', 'The agency does not exist.');
    if (!agency.trusts.map((d) => d.toLowerCase()).includes(caller.domainId.toLowerCase()))
      return iamError(403, 'Forbidden', 'The agency does not trust this account.');
    const expiresAt = this.#clock().getTime() + duration * 1000;
    const keys: SimCredential = {
      ak: `TMP${randomBytes(8).toString('hex').toUpperCase()}`,
      sk: randomBytes(20).toString('hex'),
      securityToken: `gQpzZWN1cml0eS${randomBytes(24).toString('base64url')}`,
      domainId: target.domainId,
      expiresAt,
    };
    this.#temporary.push(keys);
    this.issued += 1;
    return {
      status: 201,
      body: {
        credential: {
          access: keys.ak,
          secret: keys.sk,
          securitytoken: keys.securityToken,
          expires_at: new Date(expiresAt).toISOString(),
        },
      },
    };
  }

  #projects(caller: SimCredential | undefined, query: URLSearchParams): Reply {
    const account = this.#accounts.find((a) => a.domainId === caller?.domainId?.toLowerCase());
    const name = query.get('name');
    const projects = Object.entries(account?.projects ?? {})
      .filter(([region]) => name === null || region === name)
      .map(([region, id]) => ({ id, name: region, domain_id: account?.domainId, enabled: true }));
    return { status: 200, body: { projects, links: { self: '/v3/projects' } } };
  }
}
