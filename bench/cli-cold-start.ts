/**
 * Cold start to outcome for a one-endpoint decision: a fresh process each run, spawn to exit, against
 * the simulator with no added latency. Ours from its TypeScript sources (as `npx vpcep-approval` runs)
 * and as an esbuild bundle, beside the peer's equivalent script on the official SDK core.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../scripts/esbuild-options.ts';
import { startSimulator } from '../simulator/index.ts';
import { DEMO, simulatorEnv } from '../simulator/main.ts';
import { median, ms, ratio, table, timeProcess } from './lib/measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 9;

async function bundle(entry: string, outDir: string, name: string): Promise<string> {
  const outdir = join(outDir, name);
  await build({ ...BUNDLE_OPTIONS, entryPoints: { index: join(root, entry) }, outdir, logLevel: 'error' });
  return join(outdir, 'index.mjs');
}

export async function cliColdStart(): Promise<string> {
  const sim = await startSimulator({ credentials: [{ ak: DEMO.ak, sk: DEMO.sk }] });
  const out = await mkdtemp(join(tmpdir(), 'vpcep-bench-cli-'));
  const env = {
    PATH: process.env.PATH,
    ...simulatorEnv(sim.url),
  };
  const runners: Array<[string, string[]]> = [
    [
      'ours, TypeScript sources (npx vpcep-approval, compile cache)',
      [join(root, 'bin/vpcep-approval.js'), 'decide', '--file', '-'],
    ],
    ['ours, esbuild bundle', [await bundle('bin/vpcep-approval.js', out, 'ours'), 'decide', '--file', '-']],
    ['peer (SDK core), TypeScript sources', [join(root, 'bench/peer/cli.ts')]],
    ['peer (SDK core), esbuild bundle', [await bundle('bench/peer/cli.ts', out, 'peer')]],
  ];
  try {
    const medians: number[] = [];
    for (const [, args] of runners) {
      const times: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const endpoint = randomUUID();
        sim.seed({
          kind: 'vpcep',
          projectId: DEMO.projectId,
          targetId: DEMO.serviceId,
          connections: [{ id: endpoint }],
        });
        const decision = {
          id: `COLD-${run}`,
          action: 'accept',
          target: { type: 'vpcep', serviceId: DEMO.serviceId },
          endpoints: [endpoint],
        };
        const result = await timeProcess(process.execPath, args, {
          env,
          input: JSON.stringify(decision),
          cwd: root,
        });
        const status = sim.connection('vpcep', DEMO.projectId, DEMO.serviceId, endpoint)?.status;
        if (result.code !== 0 || status !== 'accepted')
          throw new Error(`${args[0]} failed (${result.code}): ${result.stderr}`);
        times.push(result.ms);
      }
      medians.push(median(times));
    }
    const [oursTs = 0, oursBundle = 0, peerTs = 0, peerBundle = 0] = medians;
    return [
      table(
        `CLI cold start to outcome, one-endpoint decision (median of ${RUNS} fresh processes, spawn to exit)`,
        ['runner', 'median'],
        runners.map(([name], i) => [name, ms(medians[i] ?? 0)]),
      ),
      `  peer/ours: sources ${ratio(peerTs / oursTs)}, bundles ${ratio(peerBundle / oursBundle)}`,
    ].join('\n');
  } finally {
    await sim.close();
  }
}
