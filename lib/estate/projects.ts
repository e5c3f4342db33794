/**
 * A region's project in an estate account: given in the estate, or looked up once
 * (`GET /v3/projects?name=<region>` on IAM, with the account's own keys) and kept for the container's
 * life, as Huawei's SDKs do. Exactly one project must carry the region's name: none (the keys may not
 * see the region) or several is an error naming both, never a guess.
 */
import * as z from 'zod/mini';
import { VpcepApprovalError } from '../errors.ts';
import type { Credentials, HuaweiClient } from '../huawei/client.ts';
import { flightCache } from './single-flight.ts';

export type ProjectLookup = {
  projectId(
    account: { name: string; domainId: string },
    region: string,
    credentials: Credentials,
    deadlineAt: number,
  ): Promise<string>;
};

const ProjectsSchema = z.object({
  projects: z.array(z.looseObject({ id: z.string(), name: z.string() })),
});

export function projectLookup(deps: { client: HuaweiClient; iamBaseUrl: URL }): ProjectLookup {
  const cache = flightCache<string>({ now: () => 0 });
  return {
    projectId(account, region, credentials, deadlineAt) {
      return cache.get(`${account.domainId.toLowerCase()}/${region}`, async () => {
        const url = new URL('v3/projects', deps.iamBaseUrl);
        url.searchParams.set('name', region);
        const result = await deps.client.call<unknown>({
          op: 'iam.projects',
          method: 'GET',
          url,
          credentials,
          deadlineAt,
          logFields: { account: account.name, region },
        });
        if (!result.ok) throw result.error;
        const parsed = ProjectsSchema.safeParse(result.body);
        if (!parsed.success)
          throw new VpcepApprovalError(
            'MALFORMED_RESPONSE',
            'IAM answered the projects lookup without a list',
            {
              statusCode: 502,
              retryable: true,
            },
          );
        // `name=` filters already; subprojects (`<region>_<suffix>`) are left out all the same.
        const named = parsed.data.projects.filter((p) => p.name === region);
        const [only] = named;
        if (only === undefined || named.length > 1)
          throw new VpcepApprovalError(
            'PROJECT_NOT_FOUND',
            `account ${account.name} (${account.domainId}) has ${named.length} projects named ${region}; set its projectId in VPCEP_APPROVAL_ESTATE`,
            { statusCode: 502 },
          );
        return only.id;
      });
    },
  };
}
