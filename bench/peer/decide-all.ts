/**
 * The peer's whole decision as one process: read a decision on stdin, list the service's connections,
 * accept or reject each pending one with the official SDK core, one awaited call after another as its
 * examples do, and write the same provenance ours writes in one description call. The end-to-end
 * counterpart of `vpcep-approval decide` for the throughput benchmark.
 */
import { peerClient } from './vpcep-client.ts';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const decision = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
  id: string;
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
const serviceId = decision.target.serviceId;
const wanted = new Set(decision.endpoints);
const list = await client.listServiceConnections(serviceId, { limit: 1000, offset: 0 });
const pending = (list.connections ?? [])
  .filter((c) => wanted.has(c.id) && c.status !== 'accepted')
  .map((c) => c.id);
const action = decision.action === 'accept' ? 'receive' : 'reject';
for (const id of pending) await client.acceptOrRejectEndpoint(serviceId, { action, endpoints: [id] });
if (pending.length > 0)
  await client.updateConnectionsDescription(
    serviceId,
    pending.map((id) => ({ id, description: `${decision.action}ed (decision ${decision.id})` })),
  );
console.log(JSON.stringify({ decided: pending.length }));
