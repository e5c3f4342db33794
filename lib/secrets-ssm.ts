/**
 * The SecureString parameters under an SSM path, decrypted, all pages, through Powertools Parameters:
 * cached for `maxAgeSeconds`, so a rotated secret is picked up within that time without a redeploy.
 * Loaded only when SECRETS_SSM_PATH is set. Every call is bounded in time (lib/aws-timeouts.ts).
 */
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { AWS_CALL_TIMEOUT_MS, AWS_CLIENT_LIMITS, withinMs } from './aws-timeouts.ts';

export type SsmPathReader = (path: string) => Promise<Array<{ name: string; value: string }>>;

/** `maxAgeSeconds` undefined leaves the cache time to POWERTOOLS_PARAMETERS_MAX_AGE (or its 5 s default). */
export function ssmPathReader(maxAgeSeconds?: number): SsmPathReader {
  const provider = new SSMProvider({ clientConfig: { ...AWS_CLIENT_LIMITS } });
  return async (path) => {
    const values = await withinMs(
      AWS_CALL_TIMEOUT_MS,
      provider.getMultiple(path, {
        decrypt: true,
        recursive: false,
        ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
      }),
      'SSM',
    );
    // Powertools names each parameter relative to the path.
    return Object.entries(values ?? {}).map(([name, value]) => ({ name, value: String(value) }));
  };
}
