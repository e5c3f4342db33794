/**
 * The function's own parameters under an SSM path, decrypted, by name, through Powertools Parameters
 * (`getParametersByName`: `ssm:GetParameters`, ten names a call, cached): a function's role may read
 * only the names it uses (serverless.yml, from deploy/ssm-parameters.json), which a read of the whole
 * path (`GetParametersByPath`) cannot express. Names not stored are simply absent; any other refusal is
 * thrown. Values are cached for `maxAgeSeconds`, so a rotated secret is picked up within that time without
 * a redeploy. Loaded only when SECRETS_SSM_PATH is set; every call is bounded in time (lib/aws-timeouts.ts).
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { AWS_CALL_TIMEOUT_MS, AWS_CLIENT_LIMITS } from './aws-timeouts.ts';

/** Full parameter names and their values, for those of `names` (under `path`) that exist. */
export type SsmParameterReader = (
  path: string,
  names: readonly string[],
) => Promise<Array<{ name: string; value: string }>>;

export type SsmSender = Pick<SSMClient, 'send'>;

export function ssmParameterReader(maxAgeSeconds: number, client?: SSMClient): SsmParameterReader {
  const provider = new SSMProvider(
    client === undefined ? { clientConfig: { ...AWS_CLIENT_LIMITS } } : { awsSdkV3Client: client },
  );
  return async (path, names) => {
    const wanted = Object.fromEntries(names.map((name) => [`${path}${name}`, {}]));
    // throwOnError false: a name not stored comes back in `_errors` (absent here); a refused or failed
    // call still throws.
    const answer = await withinMs(
      AWS_CALL_TIMEOUT_MS,
      provider.getParametersByName<string>(wanted, {
        decrypt: true,
        maxAge: maxAgeSeconds,
        throwOnError: false,
      }),
      'SSM',
    );
    const { _errors: _absent, ...found } = answer;
    return Object.entries(found).map(([name, value]) => ({ name, value: String(value) }));
  };
}

/** `work`, or a rejection once `ms` have passed: Powertools takes no abort signal for a batch read. */
async function withinMs<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
