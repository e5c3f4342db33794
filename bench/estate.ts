/**
 * One sweep of an estate: 3 accounts × 2 regions × 20 discovered VPCEP services × 50 pending
 * connections, every account reached through its agency, the simulator at 50 ms per call. Beside it,
 * the same 120 services × 50 connections in one account, listed by id (the sweep before estates).
 *
 * The rules accept every connection (one queued decision each, counted in memory), so the sweep's cost
 * is Huawei's: the agency keys (one IAM call per account), the project lookups and listings (one per
 * region), then two calls per service (pending, whitelist). The bound its concurrency sets: every
 * call goes to the one simulator host, whose governor lets VPCEP_APPROVAL_CONCURRENCY (16) in flight,
 * so three dependent rounds (keys, projects, listings) and then ⌈120 / 16⌉ rounds of two calls, each
 * round 50 ms.
 */

import { randomUUID } from 'node:crypto';
import { type Config, loadConfig } from '../lib/config.ts';
import { estateRun } from '../lib/estate/run.ts';
import { watchedLocator, watchedTargets } from '../lib/estate/watch.ts';
import { memoryPlacements } from '../lib/ledger/placements.ts';
import { UNRECORDED_LIFECYCLE } from '../lib/ledger/request-lifecycle.ts';
import { parseRules } from '../lib/rules/schema.ts';
import { createRuntime } from '../lib/runtime.ts';
import { huaweiListing } from '../lib/sweeper/huawei-listing.ts';
import { type SweepDeps, type SweepReport, sweep } from '../lib/sweeper/sweep.ts';
import { type SimAccount, type Simulator, startSimulator } from '../simulator/index.ts';
import { ms, ratio, table, target, timed } from './lib/measure.ts';

const LATENCY_MS = 50;
const ACCOUNTS = 3;
const REGIONS = ['cn-north-4', 'cn-east-3'] as const;
const SERVICES_PER_REGION = 20;
const PENDING_PER_SERVICE = 50;
const CONCURRENCY = 16;
const HUB = {
  ak: 'BENCHHUBAK0000000001',
  sk: 'bench-hub-secret-key-not-for-real-use',
  domainId: 'b0'.repeat(16),
};
const CONSUMER = 'c1'.repeat(16);
const SINGLE = { ak: 'BENCHSINGLEAK0000001', sk: 'bench-single-secret-key-not-for-real-use' };

const hex32 = () => randomUUID().replaceAll('-', '');

type Run = { ms: number; report: SweepReport; calls: Record<string, number>; total: number };

type World = { sim: Simulator; estate: Config; single: Config; singleTargets: string[]; services: number };

/** The simulator at `latencyMs` with the estate's accounts and services, and the single account's. */
async function world(latencyMs: number): Promise<World> {
  const members = Array.from({ length: ACCOUNTS }, (_, i) => ({
    name: `member-${i + 1}`,
    domainId: hex32(),
    projects: Object.fromEntries(REGIONS.map((r) => [r, hex32()])),
  }));
  const single = { domainId: hex32(), projectId: hex32() };
  const accounts: SimAccount[] = [
    {
      domainId: HUB.domainId,
      credentials: [{ ak: HUB.ak, sk: HUB.sk }],
      projects: { 'cn-north-4': hex32() },
    },
    ...members.map((m) => ({
      domainId: m.domainId,
      projects: m.projects,
      agencies: [{ name: 'vpcep-approval', trusts: [HUB.domainId] }],
    })),
    { domainId: single.domainId, credentials: [SINGLE], projects: { 'cn-north-4': single.projectId } },
  ];
  const sim = await startSimulator({ latencyMs, accounts });
  const seed = (projectId: string) => {
    const serviceId = randomUUID();
    sim.seed({
      kind: 'vpcep',
      projectId,
      targetId: serviceId,
      connections: Array.from({ length: PENDING_PER_SERVICE }, () => ({
        id: randomUUID(),
        domainId: CONSUMER,
      })),
      permissions: [CONSUMER],
    });
    return serviceId;
  };
  let services = 0;
  for (const member of members)
    for (const region of REGIONS)
      for (let s = 0; s < SERVICES_PER_REGION; s += 1) {
        seed(member.projects[region] as string);
        services += 1;
      }
  const singleTargets = Array.from({ length: services }, () => `vpcep:${seed(single.projectId)}`);
  const estate = {
    accounts: Object.fromEntries(
      members.map((m) => [
        m.name,
        {
          domainId: m.domainId,
          agency: 'vpcep-approval',
          regions: Object.fromEntries(REGIONS.map((r) => [r, { targets: ['vpcep:*'] }])),
        },
      ]),
    ),
  };
  const base = {
    HUAWEICLOUD_SDK_AK: HUB.ak,
    HUAWEICLOUD_SDK_SK: HUB.sk,
    HUAWEICLOUD_SDK_IAM_ENDPOINT: sim.url,
    HUAWEICLOUD_VPCEP_ENDPOINT: sim.url,
    HUAWEICLOUD_APIG_ENDPOINT: sim.url,
    VPCEP_APPROVAL_CONCURRENCY: String(CONCURRENCY),
  };
  return {
    sim,
    services,
    singleTargets,
    estate: loadConfig({ ...base, VPCEP_APPROVAL_ESTATE: JSON.stringify(estate) }),
    single: loadConfig({
      ...base,
      HUAWEICLOUD_SDK_AK: SINGLE.ak,
      HUAWEICLOUD_SDK_SK: SINGLE.sk,
      HUAWEICLOUD_SDK_PROJECT_ID: single.projectId,
      HUAWEICLOUD_REGION: 'cn-north-4',
    }),
  };
}

export async function estateSweep(): Promise<string> {
  // The same sweeps with the simulator answering at once: what the calls cost this machine's CPU
  // (signing, parsing, the simulator itself in this process), which no concurrency overlaps.
  const floor = await world(0);
  // A first sweep warms the process (modules, JIT, connections) and is not counted.
  await measure(floor.sim, floor.single, floor.singleTargets);
  const floorEstate = await measure(floor.sim, floor.estate);
  const floorSingle = await measure(floor.sim, floor.single, floor.singleTargets);
  await floor.sim.close();

  const w = await world(LATENCY_MS);
  try {
    const estateRun = await measure(w.sim, w.estate);
    const singleRun = await measure(w.sim, w.single, w.singleTargets);
    const rounds = Math.ceil(w.services / CONCURRENCY) * 2;
    const estateBound = (3 + rounds) * LATENCY_MS;
    const singleBound = rounds * LATENCY_MS;
    const row = (name: string, run: Run, bound: number, cpu: Run, note: string) => [
      name,
      ms(run.ms),
      ms(bound),
      ratio(run.ms / bound),
      ms(cpu.ms),
      ratio(run.ms / (bound + cpu.ms)),
      String(run.calls['iam.assumeRole'] ?? 0),
      String((run.calls['iam.projects'] ?? 0) + (run.calls['vpcep.discover'] ?? 0)),
      String(run.total),
      note,
    ];
    const regions = ACCOUNTS * REGIONS.length;
    const iam = estateRun.calls['iam.assumeRole'] ?? 0;
    return [
      table(
        `Estate sweep: ${ACCOUNTS} accounts × ${REGIONS.length} regions × ${SERVICES_PER_REGION} discovered services × ${PENDING_PER_SERVICE} pending, simulator at ${LATENCY_MS} ms per call, concurrency ${CONCURRENCY}`,
        [
          'sweep',
          'time',
          'bound',
          'vs bound',
          'CPU floor',
          'vs bound + floor',
          'IAM keys',
          'projects + listings',
          'Huawei calls',
          'what it did',
        ],
        [
          row(
            'estate (agencies, discovery)',
            estateRun,
            estateBound,
            floorEstate,
            `${estateRun.report.targets} services found, ${estateRun.report.decisions.length} decisions queued, ${estateRun.report.errors.length} errors`,
          ),
          row(
            'single account (listed by id)',
            singleRun,
            singleBound,
            floorSingle,
            `${singleRun.report.targets} services, ${singleRun.report.decisions.length} decisions queued, ${singleRun.report.errors.length} errors`,
          ),
        ],
      ),
      target(`IAM calls = agency accounts (${iam} for ${ACCOUNTS})`, iam === ACCOUNTS),
      target(
        `one project lookup and one listing per region (${estateRun.calls['iam.projects'] ?? 0} + ${estateRun.calls['vpcep.discover'] ?? 0} for ${regions})`,
        estateRun.calls['iam.projects'] === regions && estateRun.calls['vpcep.discover'] === regions,
      ),
      target(
        `every service found and every connection decided (${estateRun.report.targets}, ${estateRun.report.decisions.length})`,
        estateRun.report.targets === w.services &&
          estateRun.report.decisions.length === w.services * PENDING_PER_SERVICE,
      ),
      target(
        `estate sweep within 2× the bound its concurrency sets (${ratio(estateRun.ms / estateBound)})`,
        estateRun.ms <= 2 * estateBound,
      ),
      target(
        `estate sweep within 2× that bound plus its CPU floor (${ratio(estateRun.ms / (estateBound + floorEstate.ms))})`,
        estateRun.ms <= 2 * (estateBound + floorEstate.ms),
      ),
      `  note  the CPU floor is the same sweep with the simulator answering at once (${w.services * 2} calls signed, sent, verified and parsed in one process); every region is the one simulator host here, so one governor caps all ${CONCURRENCY} calls in flight, where deployed each region's host has its own`,
    ].join('\n');
  } finally {
    await w.sim.close();
  }
}

/** One sweep from a cold container: the estate's targets found first when there is an estate. */
async function measure(sim: Simulator, config: Config, listed: string[] = []): Promise<Run> {
  const runtime = await createRuntime(config);
  try {
    let queued = 0;
    const deps: SweepDeps = {
      listPending: huaweiListing({ client: runtime.client, huawei: config.huawei, deadlineMs: 60_000 }),
      ledger: {
        approvalRequests: async () => [],
        recordApprovalRequest: async () => ({ first: true }),
        claimReminder: async () => undefined,
      },
      rules: parseRules(JSON.stringify({ targets: { '*': { autoAccept: [CONSUMER] } } })),
      enqueue: async () => {
        queued += 1;
      },
      lifecycle: UNRECORDED_LIFECYCLE,
      channels: [],
      clock: () => new Date(),
      reminderIntervalMs: 24 * 60 * 60 * 1000,
      concurrency: CONCURRENCY,
    };
    sim.resetCalls();
    const run = await timed(async () => {
      if (config.estate === undefined) return sweep(listed, deps);
      const estate = estateRun(config.estate, config.huawei, runtime.client, {
        placements: memoryPlacements(),
      });
      const watched = await watchedTargets(estate, memoryPlacements(), { deadlineAt: Date.now() + 60_000 });
      const listing = huaweiListing({
        client: runtime.client,
        huawei: config.huawei,
        deadlineMs: 60_000,
        locate: watchedLocator(estate, watched),
      });
      return sweep(watched.targets, { ...deps, listPending: listing });
    });
    const calls: Record<string, number> = {};
    for (const call of sim.calls) calls[call.op ?? 'other'] = (calls[call.op ?? 'other'] ?? 0) + 1;
    void queued;
    return { ms: run.ms, report: run.value, calls, total: sim.calls.length };
  } finally {
    await runtime.close();
  }
}
