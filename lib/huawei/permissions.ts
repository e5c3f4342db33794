/**
 * A target's whitelist: the accounts Huawei lets create endpoints on it at all (VPCEP endpoint-service
 * permissions, APIG's VPC endpoint permissions). Approval is a second gate behind it; people deciding
 * on a connection are told whether its account is on the list.
 */
import * as z from 'zod/mini';
import { VpcepApprovalError } from '../errors.ts';
import type { ApiResult, HuaweiClient } from './client.ts';
import type { ApiTarget } from './connections.ts';

export type Whitelist = {
  /** `*` is on the list: every account may create endpoints. */
  everyone: boolean;
  /** Lower-cased `domain_id`s. */
  accounts: ReadonlySet<string>;
};

const PermissionsSchema = z.looseObject({
  permissions: z._default(z.array(z.looseObject({ permission: z.string() })), []),
  total_count: z.optional(z.number()),
  total: z.optional(z.number()),
});

/** Entries are `iam:domain::<domain_id>` (or an organization path, which names no single account). */
const DOMAIN_ENTRY = /^iam:domain::([0-9a-zA-Z]+)$/;

const MAX_PAGES = 100;

export function isWhitelisted(whitelist: Whitelist, domainId: string | undefined): boolean {
  return whitelist.everyone || (domainId !== undefined && whitelist.accounts.has(domainId.toLowerCase()));
}

/** Every entry of the target's whitelist, all pages. */
export async function listWhitelist(
  client: HuaweiClient,
  target: ApiTarget,
  options: { deadlineAt: number },
): Promise<ApiResult<Whitelist>> {
  const limit = target.descriptor.maxPageSize;
  const op = `${target.descriptor.service}.permissions`;
  const accounts = new Set<string>();
  let everyone = false;
  let seen = 0;
  let attempts = 0;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const url = new URL(target.descriptor.permissionsPath(target.projectId, target.targetId), target.baseUrl);
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('offset', String(page * limit));
    const result = await client.call<unknown>({
      op,
      method: 'GET',
      url,
      projectId: target.projectId,
      deadlineAt: options.deadlineAt,
    });
    attempts += result.attempts;
    if (!result.ok) return { ...result, attempts };
    const parsed = PermissionsSchema.safeParse(result.body);
    if (!parsed.success)
      return {
        ok: false,
        error: new VpcepApprovalError('MALFORMED_RESPONSE', `${op} answered a body that is not a whitelist`, {
          statusCode: 502,
        }),
        attempts,
      };
    for (const { permission } of parsed.data.permissions) {
      seen += 1;
      if (permission.trim() === '*') everyone = true;
      const account = DOMAIN_ENTRY.exec(permission.trim())?.[1];
      if (account !== undefined) accounts.add(account.toLowerCase());
    }
    const total = parsed.data.total_count ?? parsed.data.total;
    if (parsed.data.permissions.length < limit || (total !== undefined && seen >= total))
      return {
        ok: true,
        body: { everyone, accounts },
        httpStatus: result.httpStatus,
        requestId: result.requestId,
        attempts,
      };
  }
  return { ok: false, error: new VpcepApprovalError('TOO_MANY_PAGES', 'whitelist did not end'), attempts };
}
