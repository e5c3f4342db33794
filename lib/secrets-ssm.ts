/** SSM GetParametersByPath with decryption, all pages: loaded only when SECRETS_SSM_PATH is set. */
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';

export async function getParametersByPath(path: string): Promise<Array<{ name: string; value: string }>> {
  const client = new SSMClient({});
  const out: Array<{ name: string; value: string }> = [];
  let NextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new GetParametersByPathCommand({ Path: path, WithDecryption: true, Recursive: false, NextToken }),
      );
      for (const p of page.Parameters ?? [])
        if (p.Name !== undefined && p.Value !== undefined) out.push({ name: p.Name, value: p.Value });
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
  } finally {
    client.destroy();
  }
  return out;
}
