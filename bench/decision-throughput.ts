/**
 * A 200-endpoint VPCEP decision against the simulator at 50 ms per call: ours (the real executor and
 * client) against the official SDK core making the same calls one after another, as its examples do.
 * Measured twice: in this process (against the concurrency bound), and end to end, each side a fresh
 * process from spawn to exit (`vpcep-approval decide`, and the peer's script), which is what a user
 * waits for; the 10× target is the end-to-end one.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { parseDecision } from '../lib/decision/schema.ts';
import { executeDecision } from '../lib/executor/execute.ts';
import { createRuntime } from '../lib/runtime.ts';
import { startSimulator } from '../simulator/index.ts';
import { DEMO, simulatorEnv } from '../simulator/main.ts';
import { ms, ratio, table, target, timed, timeProcess } from './lib/measure.ts';
import { peerClient } from './peer/vpcep-client.ts';

const ENDPOINTS = 200;
const LATENCY_MS = 50;
const root = fileURLToPath(new URL('..', import.meta.url));

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
    const peerCalls = sim.countCalls();

    // End to end: each side a fresh process, from spawn to exit, on freshly pending connections.
    const decision = JSON.stringify({
      id: 'BENCH-2',
      action: 'accept',
      target: { type: 'vpcep', serviceId: DEMO.serviceId },
      endpoints,
    });
    const env = { PATH: process.env.PATH, ...simulatorEnv(sim.url) };
    const endToEnd = async (args: string[]) => {
      seedPending();
      sim.resetCalls();
      const run = await timeProcess(process.execPath, args, { env, input: decision, cwd: root });
      const done = endpoints.every(
        (id) => sim.connection('vpcep', DEMO.projectId, DEMO.serviceId, id)?.status === 'accepted',
      );
      if (run.code !== 0 || !done) throw new Error(`${args[0]} failed (${run.code}): ${run.stderr}`);
      return { ms: run.ms, calls: sim.countCalls() };
    };
    const oursArgs = [`${root}bin/vpcep-approval.js`, 'decide', '--file', '-'];
    const peerArgs = [`${root}bench/peer/decide-all.ts`];
    // One untimed run each first (the connections are accepted by now: a status read and no action),
    // so that neither side's time includes filling the compile cache or the disk cache.
    for (const args of [oursArgs, peerArgs])
      await timeProcess(process.execPath, args, { env, input: decision });
    const oursCli = await endToEnd(oursArgs);
    const peerCli = await endToEnd(peerArgs);

    const concurrency = config.execution.concurrency;
    // One round for the list, the action rounds, and one round of description writes (50 per call, in
    // parallel), which the peer does not make: ours leaves the provenance on each connection.
    const bound = (Math.ceil(ENDPOINTS / concurrency) + 2) * LATENCY_MS;
    const speedup = peer.ms / ours.ms;
    const endToEndSpeedup = peerCli.ms / oursCli.ms;
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
            String(peerCalls),
            'sendRequest awaited one by one, as the SDK examples do; one description call',
          ],
          [
            'ours, end to end',
            ms(oursCli.ms),
            String(oursCli.calls),
            'vpcep-approval decide --file - (from sources, compile cache): a fresh process, spawn to exit',
          ],
          [
            'peer, end to end',
            ms(peerCli.ms),
            String(peerCli.calls),
            'bench/peer/decide-all.ts: the same calls as above in a fresh process, spawn to exit',
          ],
          [
            'bound',
            ms(bound),
            '',
            `(ceil(${ENDPOINTS}/${concurrency}) + 1 list + 1 description round) × ${LATENCY_MS} ms`,
          ],
        ],
      ),
      `  peer/ours: in process ${ratio(speedup)}, end to end ${ratio(endToEndSpeedup)}   ours/bound ${ratio(ours.ms / bound)}`,
      target(
        `ours at least 10× faster than the peer end to end (${ratio(endToEndSpeedup)})`,
        endToEndSpeedup >= 10,
      ),
      target(`ours within 2× of the concurrency bound (${ratio(ours.ms / bound)})`, ours.ms <= 2 * bound),
    ].join('\n');
  } finally {
    await sim.close();
  }
}
