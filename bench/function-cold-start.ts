/**
 * Each packaged function from a cold process: zip size, module init, and first-event latency (init +
 * one decision against the simulator + the outcome published to SNS on fauxqs), beside a peer handler
 * on the official Huawei SDK core and the AWS SDK's DynamoDB and SNS clients doing the same work,
 * bundled the same way: both read each connection's last decision from the ledger table (dynalite),
 * read the status, act, write the provenance description, record the applied decision and publish.
 * Times are in-process, from the start of the handler's import to the end of its first event.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startFauxqs } from 'fauxqs';
import { type LedgerEmulator, startLedgerEmulator } from '../local/ledger-emulator.ts';
import { bundleFunctions } from '../scripts/bundle-functions.ts';
import { BUNDLE_OPTIONS } from '../scripts/esbuild-options.ts';
import { EXAMPLE_PARAMS, paramArgs } from '../scripts/package.ts';
import { type Simulator, startSimulator } from '../simulator/index.ts';
import { DEMO, simulatorEnv } from '../simulator/main.ts';
import { kib, median, ms, ratio, table, target, timeProcess } from './lib/measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 11;

type Sample = { initMs: number; firstEventMs: number };

/** The functions that execute a decision and publish its outcome; the chat ones have their own bench. */
const DECISION_FUNCTIONS = ['decision-webhook', 'decision-worker'];

export async function functionColdStart(): Promise<string> {
  const bundles = (await bundleFunctions()).filter((b) => DECISION_FUNCTIONS.includes(b.name));
  const zips = await packageZips();
  const others = [...zips].filter(([name]) => !DECISION_FUNCTIONS.includes(name));
  const peerFile = await bundlePeer();
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const { topicArn } = fauxqs.createTopic('bench-outcomes');
  const queue = fauxqs.createQueue('bench-decisions.fifo', { attributes: { FifoQueue: 'true' } });
  // The ledger, as deployed: ours reads each connection's last decision and records the applied one.
  const ledger = await startLedgerEmulator({
    tableName: 'bench-ledger',
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const sections: string[] = [];
  try {
    // 0 ms isolates the code's own cost; 50 ms per call is closer to Lambda reaching Huawei Cloud,
    // where what loads while a call waits on the network no longer adds to the latency.
    for (const latencyMs of [0, 50]) {
      const sim = await startSimulator({ latencyMs, credentials: [{ ak: DEMO.ak, sk: DEMO.sk }] });
      try {
        const world = benchWorld(
          sim,
          fauxqs.address,
          topicArn,
          `${fauxqs.address}${new URL(queue.queueUrl).pathname}`,
          ledger,
        );
        const runners = [
          { name: 'peer', file: peerFile, event: world.sqsEvent, ok: isEmptyBatchResponse },
          ...bundles.map((b) =>
            b.name === 'decision-webhook'
              ? {
                  name: b.name,
                  file: b.file,
                  event: world.httpEvent,
                  ok: (r: unknown) => (r as { statusCode?: number }).statusCode === 200,
                }
              : { name: b.name, file: b.file, event: world.sqsEvent, ok: isEmptyBatchResponse },
          ),
        ];
        const samples = new Map<string, Sample[]>(runners.map((r) => [r.name, []]));
        // Interleaved, so drift in the machine's load affects every runner alike.
        for (let run = 0; run < RUNS; run += 1) {
          for (const runner of runners)
            samples
              .get(runner.name)
              ?.push(await sampleOnce(runner.file, runner.event(), world.env, runner.ok));
        }
        const peer = summarize(samples.get('peer') ?? []);
        const rows: string[][] = [];
        const lines: string[] = [];
        for (const bundle of bundles) {
          const ours = summarize(samples.get(bundle.name) ?? []);
          const zip = zips.get(bundle.name) ?? 0;
          const share = ours.firstEventMs / peer.firstEventMs;
          rows.push([
            bundle.name,
            kib(zip),
            ms(ours.initMs),
            ms(ours.firstEventMs),
            ms(peer.firstEventMs),
            ratio(share),
          ]);
          lines.push(target(`${bundle.name}: first event ≤ 0.6× the peer's (${ratio(share)})`, share <= 0.6));
          if (latencyMs === 0)
            lines.push(target(`${bundle.name}: zip ≤ 1 MB (${kib(zip)})`, zip <= 1024 * 1024));
        }
        rows.push([
          'peer (SDK core + DynamoDB + SNS)',
          `${kib(await dirSize(dirname(peerFile)))} unzipped`,
          ms(peer.initMs),
          ms(peer.firstEventMs),
          '',
          '',
        ]);
        sections.push(
          table(
            `Functions from a cold process, simulator at ${latencyMs} ms per call (median of ${RUNS}, interleaved; webhook with ?wait=true, so it executes and publishes too)`,
            ['function', 'zip', 'init', 'first event', 'peer first event', 'ours/peer'],
            rows,
          ),
          ...lines,
        );
      } finally {
        await sim.close();
      }
    }
    sections.push(
      ...others.map(([name, bytes]) => target(`${name}: zip ≤ 1 MB (${kib(bytes)})`, bytes <= 1024 * 1024)),
    );
    return sections.join('\n');
  } finally {
    await fauxqs.stop();
    await ledger.stop();
  }
}

// A bearer token is compared whole, and must be at least 32 characters.
const BENCH_TOKEN = 'bench-token-0123456789abcdef01234567';

function benchWorld(
  sim: Simulator,
  awsEndpoint: string,
  topicArn: string,
  queueUrl: string,
  ledger: LedgerEmulator,
) {
  const env = {
    LEDGER_TABLE_NAME: ledger.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: ledger.url,
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_SNS: awsEndpoint,
    AWS_ENDPOINT_URL_SQS: awsEndpoint,
    OUTCOME_TOPIC_ARN: topicArn,
    DECISION_QUEUE_URL: queueUrl,
    WEBHOOK_BEARER_TOKEN: BENCH_TOKEN,
    ...simulatorEnv(sim.url),
    VPCEP_APPROVAL_LOG_LEVEL: 'warn',
    VPCEP_APPROVAL_HTTP_CLIENT: 'node', // as serverless.yml deploys it
  };
  const decision = () => {
    const endpoint = randomUUID();
    sim.seed({
      kind: 'vpcep',
      projectId: DEMO.projectId,
      targetId: DEMO.serviceId,
      connections: [{ id: endpoint }],
    });
    return {
      id: `COLD-${endpoint.slice(0, 8)}`,
      action: 'accept',
      target: { type: 'vpcep', serviceId: DEMO.serviceId },
      endpoints: [endpoint],
    };
  };
  const sqsEvent = () => ({
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'x',
        body: JSON.stringify(decision()),
        attributes: { ApproximateReceiveCount: '1', MessageGroupId: `vpcep:${DEMO.serviceId}` },
        messageAttributes: {},
        eventSource: 'aws:sqs',
      },
    ],
  });
  const httpEvent = () => ({
    version: '2.0',
    rawPath: '/decisions',
    rawQueryString: 'wait=true',
    queryStringParameters: { wait: 'true' },
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
    body: JSON.stringify(decision()),
    isBase64Encoded: false,
  });
  return { env, sqsEvent, httpEvent };
}

const isEmptyBatchResponse = (result: unknown) => JSON.stringify(result) === '{"batchItemFailures":[]}';

function summarize(samples: Sample[]): Sample {
  return {
    initMs: median(samples.map((s) => s.initMs)),
    firstEventMs: median(samples.map((s) => s.firstEventMs)),
  };
}

async function sampleOnce(
  file: string,
  event: unknown,
  env: Record<string, string | undefined>,
  ok: (result: unknown) => boolean,
): Promise<Sample> {
  const result = await timeProcess(process.execPath, [join(root, 'scripts/invoke-handler.ts'), file], {
    env,
    input: JSON.stringify(event),
  });
  const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Sample & { result: unknown };
  if (result.code !== 0 || !ok(parsed.result))
    throw new Error(`${file} failed: ${result.stdout}\n${result.stderr}`);
  return parsed;
}

async function packageZips(): Promise<Map<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'vpcep-bench-package-'));
  const result = await timeProcess(
    process.execPath,
    [
      join(root, 'node_modules/osls/bin/serverless.js'),
      'package',
      '--package',
      dir,
      ...paramArgs(EXAMPLE_PARAMS),
    ],
    { env: process.env, cwd: root },
  );
  if (result.code !== 0) throw new Error(`serverless package failed: ${result.stderr}`);
  const sizes = new Map<string, number>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.zip'))) {
    const name = file.replace(/\.zip$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    sizes.set(name, (await stat(join(dir, file))).size);
  }
  return sizes;
}

async function bundlePeer(): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), 'vpcep-bench-peer-'));
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: { index: join(root, 'bench/peer/worker-handler.ts') },
    outdir,
    logLevel: 'error',
  });
  return join(outdir, 'index.mjs');
}

async function dirSize(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(join(e.parentPath, e.name))).size),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
