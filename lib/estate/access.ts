/**
 * How the functions reach an estate account's region: a client whose every call carries that account's
 * credentials (its agency's temporary keys, renewed before they expire), the region's project (given or
 * looked up once), and the region's hosts. One underlying client serves every account, so the rate
 * governor of each API host and the retry policy stay the ones every other call obeys.
 */
import { toApprovalError } from '../errors.ts';
import type { ApiCall, Credentials, HuaweiClient } from '../huawei/client.ts';
import type { ApiTarget } from '../huawei/connections.ts';
import { type ServiceName, serviceBaseUrl } from '../huawei/endpoints.ts';
import { SERVICES } from '../huawei/services.ts';
import { type AccountCredentials, accountCredentials } from './agency.ts';
import { type ProjectLookup, projectLookup } from './projects.ts';
import type { EstateAccount, EstateRegion, TargetType } from './schema.ts';

/** IAM's global endpoint; Huawei's SDKs read HUAWEICLOUD_SDK_IAM_ENDPOINT to point elsewhere. */
export const DEFAULT_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com';

export type EstateAccess = {
  /** A client acting in `account`; a failure to get its keys is the call's failure, with no attempt. */
  clientFor(account: EstateAccount): HuaweiClient;
  /** The region's project id. Throws what IAM answered when it cannot be found. */
  projectOf(place: EstateRegion, deadlineAt: number): Promise<string>;
  /** Where a target of `type` in `place` is called. */
  apiTarget(place: EstateRegion, type: TargetType, targetId: string, deadlineAt: number): Promise<ApiTarget>;
  baseUrl(place: EstateRegion, service: ServiceName): URL;
};

export type EstateAccessDeps = {
  client: HuaweiClient;
  hub: Credentials;
  iamEndpoint?: string | undefined;
  /** HUAWEICLOUD_VPCEP_ENDPOINT / HUAWEICLOUD_APIG_ENDPOINT: every region's host when set. */
  endpoints: { vpcep: string | undefined; apig: string | undefined };
  clock?: () => Date;
};

export function estateAccess(deps: EstateAccessDeps): EstateAccess {
  const iam = deps.iamEndpoint ?? DEFAULT_IAM_ENDPOINT;
  const iamBaseUrl = new URL(iam.endsWith('/') ? iam : `${iam}/`);
  const keys: AccountCredentials = accountCredentials({
    client: deps.client,
    hub: deps.hub,
    iamBaseUrl,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
  });
  const projects: ProjectLookup = projectLookup({ client: deps.client, iamBaseUrl });
  const clients = new Map<string, HuaweiClient>();

  const clientFor = (account: EstateAccount): HuaweiClient => {
    let client = clients.get(account.name);
    if (client === undefined) {
      client = {
        async call<T>(apiCall: ApiCall) {
          let credentials: Credentials;
          try {
            credentials = await keys.credentialsFor(account, apiCall.deadlineAt);
          } catch (error) {
            return { ok: false as const, error: toApprovalError(error), attempts: 0 };
          }
          return deps.client.call<T>({
            ...apiCall,
            credentials,
            logFields: { ...apiCall.logFields, account: account.name },
          });
        },
      };
      clients.set(account.name, client);
    }
    return client;
  };

  const projectOf = async (place: EstateRegion, deadlineAt: number): Promise<string> => {
    if (place.projectId !== undefined) return place.projectId;
    const credentials = await keys.credentialsFor(place.account, deadlineAt);
    return projects.projectId(place.account, place.region, credentials, deadlineAt);
  };

  const baseUrl = (place: EstateRegion, service: ServiceName) =>
    serviceBaseUrl(service, place.region, deps.endpoints[service]);

  return {
    clientFor,
    projectOf,
    baseUrl,
    async apiTarget(place, type, targetId, deadlineAt) {
      const projectId = await projectOf(place, deadlineAt);
      return { descriptor: SERVICES[type], baseUrl: baseUrl(place, type), projectId, targetId };
    },
  };
}
