/**
 * Changing a target's whitelist: add or remove consumer accounts. The two APIs differ in shape:
 * VPCEP takes `POST …/permissions/action` with `{"permissions":[…],"action":"add"|"remove"}`, APIG
 * `POST …/vpc-endpoint/permissions/batch-add` or `batch-delete` with `{"permissions":[…]}`; both take
 * entries `iam:domain::<domain_id>`, 1 to 50 per call. Reading it is in permissions.ts.
 */
import type { ApiResult, HuaweiClient } from './client.ts';
import type { ApiTarget } from './connections.ts';

export type WhitelistChange = 'add' | 'remove';

/** Entries per call: APIG documents 1–50; VPCEP documents no bound, and gets the same. */
export const MAX_ACCOUNTS_PER_CALL = 50;

/** The whitelist entry for an account. */
export function permissionEntry(domainId: string): string {
  return `iam:domain::${domainId.toLowerCase()}`;
}

/** The request one change makes on `target`'s API: path below the whitelist's, and body. */
export function whitelistChangeRequest(
  service: ApiTarget['descriptor']['service'],
  change: WhitelistChange,
  domainIds: readonly string[],
): { suffix: string; body: unknown } {
  const permissions = domainIds.map(permissionEntry);
  if (service === 'vpcep') return { suffix: '/action', body: { permissions, action: change } };
  return { suffix: change === 'add' ? '/batch-add' : '/batch-delete', body: { permissions } };
}

/**
 * One call adding or removing 1 to 50 accounts. The answer's body is not relied on (the APIs document
 * different ones): a caller that needs the state reads the whitelist back.
 */
export async function changeWhitelist(
  client: HuaweiClient,
  target: ApiTarget,
  change: WhitelistChange,
  domainIds: readonly string[],
  deadlineAt: number,
): Promise<ApiResult<unknown>> {
  if (domainIds.length === 0 || domainIds.length > MAX_ACCOUNTS_PER_CALL)
    throw new RangeError(`a whitelist call takes 1 to ${MAX_ACCOUNTS_PER_CALL} accounts`);
  const { suffix, body } = whitelistChangeRequest(target.descriptor.service, change, domainIds);
  const url = new URL(
    target.descriptor.permissionsPath(target.projectId, target.targetId) + suffix,
    target.baseUrl,
  );
  return client.call<unknown>({
    op: `${target.descriptor.service}.permissions.${change}`,
    method: 'POST',
    url,
    projectId: target.projectId,
    body,
    deadlineAt,
  });
}
