/**
 * An estate account's credentials. An account without an agency is called with the functions' own
 * keys; one with an agency through temporary keys that IAM issues for it (`assume_role`, signed with
 * the functions' own keys), kept until five minutes before they expire. Concurrent callers share one
 * IAM call, so a container asks once per account per key lifetime however many targets and decisions
 * it handles.
 */
import * as z from 'zod/mini';
import { HuaweiApiError, VpcepApprovalError } from '../errors.ts';
import type { Credentials, HuaweiClient } from '../huawei/client.ts';
import { flightCache } from './single-flight.ts';

/** How long before their expiry temporary keys are replaced: no call starts with keys about to die. */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;

/** What IAM is asked for: an hour, inside its 900–86400 s range. */
export const AGENCY_DURATION_SECONDS = 3600;

export type AgencyAccount = { name: string; domainId: string; agency?: string | undefined };

export type AccountCredentials = {
  /** The account's credentials now; a failed IAM call is thrown as the client returned it. */
  credentialsFor(account: AgencyAccount, deadlineAt: number): Promise<Credentials>;
};

export type AccountCredentialsDeps = {
  client: HuaweiClient;
  /** The functions' own keys: the hub account's, and what signs every `assume_role`. */
  hub: Credentials;
  /** `HUAWEICLOUD_SDK_IAM_ENDPOINT` or https://iam.myhuaweicloud.com. */
  iamBaseUrl: URL;
  clock?: () => Date;
  durationSeconds?: number;
};

const TokenAnswerSchema = z.object({
  credential: z.object({
    access: z.string().check(z.minLength(1)),
    secret: z.string().check(z.minLength(1)),
    securitytoken: z.string().check(z.minLength(1)),
    expires_at: z.string(),
  }),
});

type Temporary = { credentials: Credentials; expiresAt: number };

export function accountCredentials(deps: AccountCredentialsDeps): AccountCredentials {
  const clock = deps.clock ?? (() => new Date());
  const cache = flightCache<Temporary>({
    now: () => clock().getTime(),
    staleAt: (keys) => keys.expiresAt - RENEW_BEFORE_MS,
  });

  async function assumeRole(account: AgencyAccount & { agency: string }, deadlineAt: number) {
    const result = await deps.client.call<unknown>({
      op: 'iam.assumeRole',
      method: 'POST',
      url: new URL('v3.0/OS-CREDENTIAL/securitytokens', deps.iamBaseUrl),
      credentials: deps.hub,
      body: {
        auth: {
          identity: {
            methods: ['assume_role'],
            assume_role: {
              domain_id: account.domainId,
              agency_name: account.agency,
              duration_seconds: deps.durationSeconds ?? AGENCY_DURATION_SECONDS,
            },
          },
        },
      },
      deadlineAt,
      logFields: { account: account.name },
    });
    if (!result.ok) throw agencyError(account, result.error);
    const parsed = TokenAnswerSchema.safeParse(result.body);
    const expiresAt = parsed.success ? Date.parse(parsed.data.credential.expires_at) : Number.NaN;
    if (!parsed.success || Number.isNaN(expiresAt))
      throw new VpcepApprovalError(
        'MALFORMED_RESPONSE',
        `IAM answered the agency ${account.agency} of account ${account.name} without temporary keys`,
        { statusCode: 502, retryable: true },
      );
    const { access, secret, securitytoken } = parsed.data.credential;
    return {
      credentials: { kind: 'aksk', ak: access, sk: secret, securityToken: securitytoken },
      expiresAt,
    } satisfies Temporary;
  }

  return {
    async credentialsFor(account, deadlineAt) {
      const { agency } = account;
      if (agency === undefined) return deps.hub;
      const key = `${account.domainId.toLowerCase()}/${agency}`;
      const keys = await cache.get(key, () => assumeRole({ ...account, agency }, deadlineAt));
      return keys.credentials;
    },
  };
}

/**
 * IAM's refusal with the account and agency named: a 403 here is a trust or permission set-up
 * (the agency does not trust the hub, or the hub may not assume it), not the connection's fault.
 */
function agencyError(account: AgencyAccount, error: VpcepApprovalError): VpcepApprovalError {
  const prefix = `assuming agency ${account.agency} of account ${account.name} (${account.domainId})`;
  if (error instanceof HuaweiApiError)
    return new HuaweiApiError({
      code: error.code,
      message: `${prefix}: ${error.message}`,
      httpStatus: error.httpStatus,
      requestId: error.requestId,
      failureClass: error.failureClass,
    });
  return new VpcepApprovalError(error.code, `${prefix}: ${error.message}`, {
    retryable: error.retryable,
    statusCode: error.statusCode,
    cause: error,
  });
}
