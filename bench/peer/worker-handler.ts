/**
 * The peer Lambda handler: the same work as our worker for an SQS event (read each connection's last
 * decision from the ledger table, read the status, accept or reject, write who decided into the
 * changed connections' descriptions, record the applied decision in the ledger, publish the outcome to
 * SNS), written on the official Huawei SDK core and the AWS SDK's DynamoDB and SNS clients the way their
 * examples do: one awaited call after another. Bundled with the same esbuild settings as our functions.
 */
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { peerClient } from './vpcep-client.ts';

const sns = new SNSClient({});
const dynamodb = new DynamoDBClient({});
const env = process.env;
const client = peerClient(
  env.HUAWEICLOUD_VPCEP_ENDPOINT ?? '',
  env.HUAWEICLOUD_SDK_AK ?? '',
  env.HUAWEICLOUD_SDK_SK ?? '',
  env.HUAWEICLOUD_SDK_PROJECT_ID ?? '',
);

type Decision = {
  id: string;
  action: 'accept' | 'reject';
  target: { serviceId: string };
  endpoints: string[];
};

export async function handler(event: { Records: Array<{ messageId: string; body: string }> }) {
  for (const record of event.Records) {
    const decision = JSON.parse(record.body) as Decision;
    const wanted = decision.action === 'accept' ? 'accepted' : 'rejected';
    const decidedAt = new Date().toISOString();
    const target = `vpcep:${decision.target.serviceId}`;
    for (const endpoint of decision.endpoints) {
      // The connection's newest applied decision, as our ledger keeps it (lib/ledger/keys.ts).
      await dynamodb.send(
        new QueryCommand({
          TableName: env.LEDGER_TABLE_NAME,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: {
            ':pk': { S: `CONN#${target}#${endpoint}` },
            ':sk': { S: 'DECISION#' },
          },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
    }
    const list = await client.listServiceConnections(decision.target.serviceId, { limit: 1000, offset: 0 });
    const results = [];
    for (const endpoint of decision.endpoints) {
      const current = list.connections?.find((c) => c.id === endpoint)?.status;
      if (current === wanted) {
        results.push({ endpointId: endpoint, status: current, changed: false });
        continue;
      }
      const answer = await client.acceptOrRejectEndpoint(decision.target.serviceId, {
        action: decision.action === 'accept' ? 'receive' : 'reject',
        endpoints: [endpoint],
      });
      results.push({ endpointId: endpoint, status: answer.connections?.[0]?.status, changed: true });
    }
    const changed = results.filter((r) => r.changed).map((r) => r.endpointId);
    if (changed.length > 0)
      await client.updateConnectionsDescription(
        decision.target.serviceId,
        changed.map((id) => ({ id, description: `${decision.action} (decision ${decision.id})` })),
      );
    for (const endpoint of changed)
      await dynamodb.send(
        new PutItemCommand({
          TableName: env.LEDGER_TABLE_NAME,
          Item: {
            pk: { S: `CONN#${target}#${endpoint}` },
            sk: { S: `DECISION#${decidedAt}#${decision.id}` },
            decisionId: { S: decision.id },
            action: { S: decision.action },
            decidedAt: { S: decidedAt },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    const status = results.every((r) => r.status === wanted) ? 'succeeded' : 'failed';
    await sns.send(
      new PublishCommand({
        TopicArn: env.OUTCOME_TOPIC_ARN,
        Message: JSON.stringify({ decisionId: decision.id, status, results }),
        MessageAttributes: { status: { DataType: 'String', StringValue: status } },
      }),
    );
  }
  return { batchItemFailures: [] };
}
