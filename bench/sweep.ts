/**
 * One sweep of the approval loop at scale: 10 VPCEP services × 1,000 pending connections (100 per
 * service from a trusted account, decided by the rules; the rest asked about), the simulator at 50 ms
 * per call, the ledger on dynalite in process. The sweep's own code (listing, whitelist, rules, ledger)
 * runs as the sweeper function runs it; the queue and the topic are counted in memory, since their
 * cost is the emulator's, not the sweep's.
 *
 * Reported: the calls each sweep makes (Huawei, ledger by operation) and its wall time against the
 * bound its concurrency sets: targets listed in parallel, two Huawei calls each (pending, whitelist),
 * so 2 × 50 ms; then the connections 16 at a time, each one ledger write, whose cost is measured in the
 * same run (sequential conditional puts on the same dynalite). The peer is the SDK core listing the
 * same targets one after another, as a loop over its client would.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../lib/config.ts';
import { dynamoDbLedger } from '../lib/ledger/dynamodb.ts';
import { dynamoDbRequestLifecycle } from '../lib/ledger/request-lifecycle.ts';
import { parseRules } from '../lib/rules/schema.ts';
import { createRuntime } from '../lib/runtime.ts';
import { huaweiListing } from '../lib/sweeper/huawei-listing.ts';
import { type SweepReport, sweep } from '../lib/sweeper/sweep.ts';
import { startLedgerEmulator } from '../local/ledger-emulator.ts';
import { startSimulator } from '../simulator/index.ts';
import { DEMO, simulatorEnv } from '../simulator/main.ts';
import { ms, ratio, table, target, timed } from './lib/measure.ts';
import { peerClient } from './peer/vpcep-client.ts';

const LATENCY_MS = 50;
const TARGETS = 10;
const PER_TARGET = 1_000;
const TRUSTED_PER_TARGET = 100;
const CONCURRENCY = 16;
const TRUSTED = '5d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a';
const STRANGER = '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a';

type Counted = { ms: number; huawei: number; ledger: Record<string, number>; report: SweepReport };

export async function sweepAtScale(): Promise<string> {
  const services = Array.from({ length: TARGETS }, () => randomUUID());
  const targets = services.map((id) => `vpcep:${id}`);
  const sim = await startSimulator({ latencyMs: LATENCY_MS, credentials: [{ ak: DEMO.ak, sk: DEMO.sk }] });
  const ledgerDb = await startLedgerEmulator({
    tableName: 'bench-ledger',
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    for (const serviceId of services)
      sim.seed({
        kind: 'vpcep',
        projectId: DEMO.projectId,
        targetId: serviceId,
        connections: Array.from({ length: PER_TARGET }, (_, i) => ({
          id: randomUUID(),
          domainId: i < TRUSTED_PER_TARGET ? TRUSTED : STRANGER,
        })),
        permissions: [TRUSTED],
      });
    const config = loadConfig({
      ...simulatorEnv(sim.url),
      VPCEP_APPROVAL_HTTP_CLIENT: 'node',
    });
    const runtime = await createRuntime(config);
    const ledgerCalls: Record<string, number> = {};
    const counting = {
      send: ((command: { constructor: { name: string } }, options?: unknown) => {
        const op = command.constructor.name.replace(/Command$/, '');
        ledgerCalls[op] = (ledgerCalls[op] ?? 0) + 1;
        return ledgerDb.client.send(command as never, options as never);
      }) as typeof ledgerDb.client.send,
    };
    let queued = 0;
    let raised = 0;
    const deps = {
      listPending: huaweiListing({ client: runtime.client, huawei: config.huawei, deadlineMs: 60_000 }),
      ledger: dynamoDbLedger({ client: counting, tableName: ledgerDb.tableName }),
      rules: parseRules(JSON.stringify({ targets: { '*': { autoAccept: [TRUSTED] } } })),
      enqueue: async () => {
        queued += 1;
      },
      lifecycle: dynamoDbRequestLifecycle({ client: counting, tableName: ledgerDb.tableName }),
      channels: [
        {
          name: 'topic',
          raise: async () => {
            raised += 1;
            return {};
          },
        },
      ],
      clock: () => new Date(),
      reminderIntervalMs: 24 * 60 * 60 * 1000,
      concurrency: CONCURRENCY,
    };
    const once = async (): Promise<Counted> => {
      for (const key of Object.keys(ledgerCalls)) delete ledgerCalls[key];
      const before = sim.countCalls();
      const run = await timed(() => sweep(targets, deps));
      return { ms: run.ms, huawei: sim.countCalls() - before, ledger: { ...ledgerCalls }, report: run.value };
    };
    const first = await once();
    const firstCounts = { queued, raised };
    const second = await once();
    // Where a steady sweep's time goes: the listings alone, and the ledger's reads of requests alone.
    const listing = await timed(() =>
      Promise.all(targets.map((t) => deps.listPending(t, { countAccepted: false }))),
    );
    const reading = await timed(() => Promise.all(targets.map((t) => deps.ledger.approvalRequests(t))));
    await runtime.close();

    // The cost of one conditional put on this dynalite, sequentially: what each ledger write costs.
    const puts = 200;
    const putRun = await timed(async () => {
      for (let i = 0; i < puts; i += 1)
        await ledgerDb.client.send(
          new PutItemCommand({
            TableName: ledgerDb.tableName,
            Item: { pk: { S: `BENCH#${i}` }, sk: { S: 'PUT' } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
    });
    const perPut = putRun.ms / puts;

    // The peer: the same targets listed with the SDK core, one after another (no ledger, no rules).
    const peer = peerClient(sim.url, DEMO.ak, DEMO.sk, DEMO.projectId);
    const peerBefore = sim.countCalls();
    const peerRun = await timed(async () => {
      for (const serviceId of services)
        await peer.listServiceConnections(serviceId, { limit: 1000, offset: 0 });
    });
    const peerCalls = sim.countCalls() - peerBefore;

    const huaweiBound = Math.ceil(TARGETS / CONCURRENCY) * 2 * LATENCY_MS;
    const writes = (c: Counted) =>
      (c.ledger.PutItem ?? 0) + (c.ledger.UpdateItem ?? 0) + (c.ledger.DeleteItem ?? 0);
    const bound = (c: Counted) => huaweiBound + Math.ceil(writes(c) / CONCURRENCY) * perPut;
    const calls = (c: Counted) =>
      Object.entries(c.ledger)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ');
    const row = (name: string, c: Counted, note: string) => [
      name,
      ms(c.ms),
      ms(bound(c)),
      ratio(c.ms / bound(c)),
      String(c.huawei),
      calls(c),
      note,
    ];
    return [
      table(
        `Sweep: ${TARGETS} VPCEP services × ${PER_TARGET.toLocaleString('en')} pending connections, simulator at ${LATENCY_MS} ms per call, ledger on dynalite (one put ${perPut.toFixed(1)} ms here)`,
        ['sweep', 'time', 'bound', 'vs bound', 'Huawei calls', 'ledger calls', 'what it did'],
        [
          row(
            'first',
            first,
            `${firstCounts.queued} decisions queued, ${firstCounts.raised} requests raised, ${first.report.errors.length} errors`,
          ),
          row(
            'next (steady)',
            second,
            `${second.report.waiting} waiting, ${queued - firstCounts.queued} queued again (the queue deduplicates), ${raised - firstCounts.raised} raised`,
          ),
          [
            'part: listings alone',
            ms(listing.ms),
            ms(huaweiBound),
            ratio(listing.ms / huaweiBound),
            String(2 * TARGETS),
            '',
            'pending and whitelist per target, in parallel (signing, parsing 10,000 connections)',
          ],
          [
            'part: request reads alone',
            ms(reading.ms),
            '',
            '',
            '',
            `Query ${TARGETS}`,
            `${reading.value.flat().length} requests read back through the byTarget index`,
          ],
          [
            'peer: SDK core, listing only',
            ms(peerRun.ms),
            '',
            '',
            String(peerCalls),
            '',
            'targets one after another',
          ],
        ],
      ),
      target(
        `each sweep makes 2 Huawei calls per target (${first.huawei}, ${second.huawei} for ${TARGETS})`,
        first.huawei === 2 * TARGETS && second.huawei === 2 * TARGETS,
      ),
      target(
        `the steady sweep writes nothing and reads requests once per target (${writes(second)} writes, ${second.ledger.Query ?? 0} queries)`,
        writes(second) === 0 && (second.ledger.Query ?? 0) === TARGETS,
      ),
      target(
        `first sweep: every connection decided or asked, once (${firstCounts.queued} + ${firstCounts.raised})`,
        firstCounts.queued === TARGETS * TRUSTED_PER_TARGET &&
          firstCounts.raised === TARGETS * (PER_TARGET - TRUSTED_PER_TARGET),
      ),
      target(
        `listings within 2× the bound their concurrency sets (${ratio(listing.ms / huaweiBound)})`,
        listing.ms <= 2 * huaweiBound,
      ),
      `  note  the bound counts ${CONCURRENCY} ledger writes in flight; dynalite runs in this process, on the CPU the sweep uses, so its writes and reads queue behind each other here`,
    ].join('\n');
  } finally {
    await sim.close();
    await ledgerDb.stop();
  }
}
