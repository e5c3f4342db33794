/**
 * The function's own parameters under an SSM path, decrypted, by name (`ssm:GetParameters`, ten names a
 * call, the calls at once): a function's role may read only the names it uses (serverless.yml, from
 * deploy/ssm-parameters.json), which a read of the whole path (`GetParametersByPath`) cannot express.
 * Names not stored are simply absent. Values are cached for `maxAgeSeconds`, so a rotated secret is
 * picked up within that time without a redeploy. Loaded only when SECRETS_SSM_PATH is set; every call is
 * bounded in time (lib/aws-timeouts.ts).
 */
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AWS_CALL_TIMEOUT_MS, AWS_CLIENT_LIMITS } from './aws-timeouts.ts';

/** Full parameter names and their values, for those of `names` (under `path`) that exist. */
export type SsmParameterReader = (
  path: string,
  names: readonly string[],
) => Promise<Array<{ name: string; value: string }>>;

export type SsmSender = Pick<SSMClient, 'send'>;

/** SSM's limit on names per GetParameters call. */
const NAMES_PER_CALL = 10;

export function ssmParameterReader(
  maxAgeSeconds: number,
  client: SsmSender = new SSMClient({ ...AWS_CLIENT_LIMITS }),
  now: () => number = Date.now,
): SsmParameterReader {
  let cached: { key: string; at: number; values: Array<{ name: string; value: string }> } | undefined;
  return async (path, names) => {
    const full = names.map((name) => `${path}${name}`);
    const key = full.join('\n');
    if (cached?.key === key && now() - cached.at < maxAgeSeconds * 1000) return cached.values;
    const chunks: string[][] = [];
    for (let i = 0; i < full.length; i += NAMES_PER_CALL) chunks.push(full.slice(i, i + NAMES_PER_CALL));
    const answers = await Promise.all(
      chunks.map((Names) =>
        client.send(new GetParametersCommand({ Names, WithDecryption: true }), {
          abortSignal: AbortSignal.timeout(AWS_CALL_TIMEOUT_MS),
        }),
      ),
    );
    const values = answers.flatMap((answer) =>
      (answer.Parameters ?? []).flatMap((p) =>
        p.Name === undefined || p.Value === undefined ? [] : [{ name: p.Name, value: p.Value }],
      ),
    );
    cached = { key, at: now(), values };
    return values;
  };
}
