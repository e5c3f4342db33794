/**
 * A 200-endpoint VPCEP decision against the simulator at 50 ms per call: ours (the real executor and
 * client) against the official SDK core making the same calls one after another, as its examples do.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../lib/config.ts';
import { parseDecision } from '../lib/decision/schema.ts';
import { executeDecision } from '../lib/executor/execute.ts';
import { createRuntime } from '../lib/runtime.ts';
import { startSimulator } from '../simulator/index.ts';
import { DEMO, simulatorEnv } from '../simulator/main.ts';
import { ms, ratio, table, target, timed } from './lib/measure.ts';
import { peerClient } from './peer/vpcep-client.ts';

const ENDPOINTS = 200;
const LATENCY_MS = 50;

export async function decisionThroughput(): Promise<string> {
  const sim = await startSimulator({ latencyMs: LATENCY_MS, credentials: [{ ak: DEMO.ak, sk: DEMO.sk }] });
  const endpoints = Array.from({ length: ENDPOINTS }, () => randomUUID());
  const seedPending = () =>
    sim.seed({
      kind: 'vpcep',
      projectId: DEMO.projectId,
      targetId: DEMO.serviceId,
      connections: endpoints.map((id) => ({ id })),
    });
  try {
    seedPending();
    const config = loadConfig({
      ...simulatorEnv(sim.url),
    });
    const runtime = await createRuntime(config);
    const parsed = parseDecision({
      id: 'BENCH-1',
      action: 'accept',
      target: { type: 'vpcep', serviceId: DEMO.serviceId },
      endpoints,
    });
    if (!parsed.ok) throw new Error('bench decision is invalid');
    const ours = await timed(() => executeDecision(parsed.decision, { client: runtime.client, config }));
    await runtime.close();
    if (ours.value.status !== 'succeeded') throw new Error(`ours did not succeed: ${ours.value.status}`);
    const ourCalls = sim.countCalls();

    seedPending();
    sim.resetCalls();
    const client = peerClient(sim.url, DEMO.ak, DEMO.sk, DEMO.projectId);
    const peer = await timed(async () => {
      const list = await client.listServiceConnections(DEMO.serviceId, { limit: 1000, offset: 0 });
      const pending = (list.connections ?? []).filter((c) => c.status !== 'accepted').map((c) => c.id);
      for (const id of pending)
        await client.acceptOrRejectEndpoint(DEMO.serviceId, { action: 'receive', endpoints: [id] });
      // The same provenance ours writes, in one call (the API takes a list).
      await client.updateConnectionsDescription(
        DEMO.serviceId,
        pending.map((id) => ({ id, description: 'accepted (decision BENCH-1)' })),
      );
    });
    const accepted = endpoints.filter(
      (id) => sim.connection('vpcep', DEMO.projectId, DEMO.serviceId, id)?.status === 'accepted',
    ).length;
    if (accepted !== ENDPOINTS || sim.calls.some((c) => c.httpStatus !== 200))
      throw new Error('the peer did not succeed');

    const concurrency = config.execution.concurrency;
    // One round for the list, the action rounds, and one round of description writes (50 per call, in
    // parallel), which the peer does not make: ours leaves the provenance on each connection.
    const bound = (Math.ceil(ENDPOINTS / concurrency) + 2) * LATENCY_MS;
    const speedup = peer.ms / ours.ms;
    return [
      table(
        `Decision throughput: ${ENDPOINTS}-endpoint VPCEP decision, simulator at ${LATENCY_MS} ms per call`,
        ['runner', 'time', 'calls', 'note'],
        [
          [
            'ours',
            ms(ours.ms),
            String(ourCalls),
            `concurrency ${concurrency}; one paged list, single-endpoint actions, descriptions`,
          ],
          [
            'peer (SDK core 3.1.211)',
            ms(peer.ms),
            String(sim.countCalls()),
            'sendRequest awaited one by one, as the SDK examples do; one description call',
          ],
          [
            'bound',
            ms(bound),
            '',
            `(ceil(${ENDPOINTS}/${concurrency}) + 1 list + 1 description round) × ${LATENCY_MS} ms`,
          ],
        ],
      ),
      `  peer/ours ${ratio(speedup)}   ours/bound ${ratio(ours.ms / bound)}`,
      target(`ours at least 10× faster than the peer (${ratio(speedup)})`, speedup >= 10),
      target(`ours within 2× of the concurrency bound (${ratio(ours.ms / bound)})`, ours.ms <= 2 * bound),
    ].join('\n');
  } finally {
    await sim.close();
  }
}
