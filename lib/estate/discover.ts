/**
 * Discovery: `vpcep:*` / `apig:*` in an estate region are every endpoint service / APIG gateway of
 * that account there, read from the listing APIs at each sweep (all pages).
 */
import * as z from 'zod/mini';
import { VpcepApprovalError } from '../errors.ts';
import type { EstateAccess } from './access.ts';
import type { EstateRegion, TargetType } from './schema.ts';

const LISTINGS: Record<
  TargetType,
  { path: (projectId: string) => string; field: 'endpoint_services' | 'instances'; pageSize: number }
> = {
  vpcep: { path: (p) => `v1/${p}/vpc-endpoint-services`, field: 'endpoint_services', pageSize: 1000 },
  apig: { path: (p) => `v2/${p}/apigw/instances`, field: 'instances', pageSize: 500 },
};

const ListingSchema = z.looseObject({
  endpoint_services: z.optional(z.array(z.looseObject({ id: z.string() }))),
  instances: z.optional(z.array(z.looseObject({ id: z.string() }))),
  total_count: z.optional(z.number()),
  total: z.optional(z.number()),
});

/** Guards a server that keeps saying there is more. */
const MAX_PAGES = 100;

/** The ids of every target of `type` the account has in the region. Throws the listing's error. */
export async function discoverTargets(
  access: EstateAccess,
  place: EstateRegion,
  type: TargetType,
  deadlineAt: number,
): Promise<string[]> {
  const listing = LISTINGS[type];
  const projectId = await access.projectOf(place, deadlineAt);
  const client = access.clientFor(place.account);
  const ids: string[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const url = new URL(listing.path(projectId), access.baseUrl(place, type));
    url.searchParams.set('limit', String(listing.pageSize));
    url.searchParams.set('offset', String(page * listing.pageSize));
    const result = await client.call<unknown>({
      op: `${type}.discover`,
      method: 'GET',
      url,
      projectId,
      deadlineAt,
      logFields: { region: place.region },
    });
    if (!result.ok) throw result.error;
    const parsed = ListingSchema.safeParse(result.body);
    const items = parsed.success ? parsed.data[listing.field] : undefined;
    if (!parsed.success || items === undefined)
      throw new VpcepApprovalError(
        'MALFORMED_RESPONSE',
        `${type}.discover answered a body that is not a listing`,
        {
          statusCode: 502,
          retryable: true,
        },
      );
    ids.push(...items.map((item) => item.id));
    const total = parsed.data.total_count ?? parsed.data.total;
    if (items.length < listing.pageSize || (total !== undefined && ids.length >= total)) return ids;
  }
  throw new VpcepApprovalError('TOO_MANY_PAGES', `${type}.discover did not end`);
}
