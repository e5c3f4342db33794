/**
 * Decisions against a throttling gateway: 200 VPCEP endpoints at 10 calls/s (one endpoint per call),
 * and 500 APIG endpoints at 2 calls/s (50 per call), the simulator at 50 ms per call and answering in
 * each API's own throttle form. Ours (the real executor, client and rate governor) against the official
 * SDK core making the same calls one after another, as its examples do; it has no retry, so a
 * throttled call is an endpoint not done. The bound is N calls / R calls per second.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../lib/config.ts';
import { parseDecision } from '../lib/decision/schema.ts';
import { executeDecision } from '../lib/executor/execute.ts';
import { createRuntime } from '../lib/runtime.ts';
import { type Simulator, startSimulator } from '../simulator/index.ts';
import { DEMO, simulatorEnv } from '../simulator/main.ts';
import type { TargetKind } from '../simulator/state.ts';
import { ms, ratio, table, target, timed } from './lib/measure.ts';
import { peerClient } from './peer/vpcep-client.ts';

const LATENCY_MS = 50;

type Scenario = { kind: TargetKind; endpoints: number; ratePerSec: number; perCall: number };

const SCENARIOS: Scenario[] = [
  { kind: 'vpcep', endpoints: 200, ratePerSec: 10, perCall: 1 },
  { kind: 'apig', endpoints: 500, ratePerSec: 2, perCall: 50 },
];

type Run = { ms: number; calls: number; throttled: number; notDone: number };

export async function throttled(): Promise<string> {
  const lines: string[] = [];
  for (const scenario of SCENARIOS) lines.push(await runScenario(scenario));
  return lines.join('\n');
}

async function runScenario(s: Scenario): Promise<string> {
  const targetId = s.kind === 'vpcep' ? DEMO.serviceId : DEMO.instanceId;
  const endpoints = Array.from({ length: s.endpoints }, () => randomUUID());
  const fresh = async () => {
    const sim = await startSimulator({
      latencyMs: LATENCY_MS,
      credentials: [{ ak: DEMO.ak, sk: DEMO.sk }],
      rateLimits: { [s.kind]: { ratePerSec: s.ratePerSec, burst: Math.ceil(s.ratePerSec) } },
    });
    sim.seed({
      kind: s.kind,
      projectId: DEMO.projectId,
      targetId,
      connections: endpoints.map((id) => ({ id })),
    });
    return sim;
  };
  const notDone = (sim: Simulator) =>
    endpoints.filter((id) => sim.connection(s.kind, DEMO.projectId, targetId, id)?.status !== 'accepted')
      .length;
  const summary = (sim: Simulator, elapsed: number): Run => ({
    ms: elapsed,
    calls: sim.countCalls(),
    throttled: sim.calls.filter((c) => c.errorCode !== undefined && /0022|0308|9008/.test(c.errorCode))
      .length,
    notDone: notDone(sim),
  });

  let sim = await fresh();
  let ours: Run;
  try {
    const config = loadConfig({
      ...simulatorEnv(sim.url),
    });
    const runtime = await createRuntime(config);
    const parsed = parseDecision({
      id: 'BENCH-THROTTLED',
      action: 'accept',
      target:
        s.kind === 'vpcep' ? { type: 'vpcep', serviceId: targetId } : { type: 'apig', instanceId: targetId },
      endpoints,
    });
    if (!parsed.ok) throw new Error('bench decision is invalid');
    const run = await timed(() => executeDecision(parsed.decision, { client: runtime.client, config }));
    await runtime.close();
    ours = summary(sim, run.ms);
  } finally {
    await sim.close();
  }

  sim = await fresh();
  let peer: Run;
  try {
    const client = peerClient(sim.url, DEMO.ak, DEMO.sk, DEMO.projectId);
    const run = await timed(async () => {
      const list = await client
        .listServiceConnections(targetId, { limit: 1000, offset: 0 }, s.kind)
        .catch(() => undefined);
      const pending = (list?.connections ?? []).filter((c) => c.status !== 'accepted').map((c) => c.id);
      for (let i = 0; i < pending.length; i += s.perCall) {
        await client
          .acceptOrRejectEndpoint(
            targetId,
            { action: 'receive', endpoints: pending.slice(i, i + s.perCall) },
            s.kind,
          )
          .catch(() => undefined);
      }
    });
    peer = summary(sim, run.ms);
  } finally {
    await sim.close();
  }

  const calls = Math.ceil(s.endpoints / s.perCall) + 1;
  const bound = (calls / s.ratePerSec) * 1_000;
  const share = (r: Run) => (r.calls === 0 ? 0 : r.throttled / r.calls);
  const row = (name: string, r: Run, note: string) => [
    name,
    ms(r.ms),
    ratio(r.ms / bound),
    String(r.calls),
    `${(share(r) * 100).toFixed(0)}%`,
    String(r.notDone),
    note,
  ];
  return [
    table(
      `Throttled: ${s.endpoints}-endpoint ${s.kind.toUpperCase()} decision, gateway at ${s.ratePerSec} calls/s (burst ${Math.ceil(s.ratePerSec)}), ${LATENCY_MS} ms per call`,
      ['runner', 'time', 'vs bound', 'calls', 'throttled', 'not done', 'note'],
      [
        row('ours', ours, 'rate governor per API host, throttles retried until the deadline'),
        row('peer (SDK core 3.1.211)', peer, 'one call after another; no retry'),
        ['bound', ms(bound), '1.00×', String(calls), '', '', `${calls} calls / ${s.ratePerSec} calls/s`],
      ],
    ),
    target(`ours: 0 endpoints not done (${ours.notDone})`, ours.notDone === 0),
    target(`ours within 1.3× of the bound (${ratio(ours.ms / bound)})`, ours.ms <= 1.3 * bound),
    target(`ours: at most 20% of calls throttled (${(share(ours) * 100).toFixed(0)}%)`, share(ours) <= 0.2),
  ].join('\n');
}
