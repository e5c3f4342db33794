/**
 * The peer's one-shot command: read a decision on stdin, read the endpoint's status and accept or reject
 * it with the official SDK core, print the result. The same work as `vpcep-approval decide` for one
 * endpoint, written the way the SDK's examples are.
 */
import { peerClient } from './vpcep-client.ts';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const decision = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
  action: 'accept' | 'reject';
  target: { serviceId: string };
  endpoints: string[];
};
const env = process.env;
const client = peerClient(
  env.HUAWEICLOUD_VPCEP_ENDPOINT ?? '',
  env.HUAWEICLOUD_SDK_AK ?? '',
  env.HUAWEICLOUD_SDK_SK ?? '',
  env.HUAWEICLOUD_SDK_PROJECT_ID ?? '',
);
const [endpoint] = decision.endpoints;
const list = await client.listServiceConnections(decision.target.serviceId, {
  id: endpoint ?? '',
  limit: 10,
  offset: 0,
});
const wanted = decision.action === 'accept' ? 'accepted' : 'rejected';
let status = list.connections?.[0]?.status;
if (status !== wanted && endpoint !== undefined) {
  const answer = await client.acceptOrRejectEndpoint(decision.target.serviceId, {
    action: decision.action === 'accept' ? 'receive' : 'reject',
    endpoints: [endpoint],
  });
  status = answer.connections?.[0]?.status;
}
console.log(JSON.stringify({ endpoint, status }));
process.exitCode = status === wanted ? 0 : 1;
