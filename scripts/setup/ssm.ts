/**
 * Puts a stage's values into SSM Parameter Store under `/vpcep-approval/<stage>/`, where the deployed
 * functions read them (lib/secrets.ts): secrets as SecureString (the account's aws/ssm key), other
 * settings as String. Overwrites, so that running setup again rotates a value.
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export type SsmPutter = Pick<SSMClient, 'send'>;

export const ssmPath = (stage: string) => `/vpcep-approval/${stage}/`;

/** The SDK's standard configuration (credentials, AWS_ENDPOINT_URL_SSM), in the stack's region. */
export const defaultSsmClient = (region: string): SsmPutter => new SSMClient({ region });

export async function putStageValues(
  client: SsmPutter,
  stage: string,
  values: ReadonlyArray<{ name: string; value: string; secret: boolean }>,
): Promise<string[]> {
  const written: string[] = [];
  for (const { name, value, secret } of values) {
    const parameter = `${ssmPath(stage)}${name}`;
    await client.send(
      new PutParameterCommand({
        Name: parameter,
        Value: value,
        Type: secret ? 'SecureString' : 'String',
        Overwrite: true,
      }),
    );
    written.push(parameter);
  }
  return written;
}
