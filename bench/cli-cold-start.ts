/**
 * Cold start to outcome for a one-endpoint decision: a fresh process each run, spawn to exit, against
 * the simulator with no added latency. Ours from its TypeScript sources (as `npx vpcep-approval` runs),
 * as `npm pack` ships it (bin/ and the bundle scripts/bundle-cli.ts builds, laid out as installed) and
 * that bundle run alone, beside the peer's equivalent script on the official SDK core.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleCli } from '../scripts/bundle-cli.ts';
import { BUNDLE_OPTIONS } from '../scripts/esbuild-options.ts';
import { startSimulator } from '../simulator/index.ts';
import { DEMO, simulatorEnv } from '../simulator/main.ts';
import { median, ms, ratio, table, target, timeProcess } from './lib/measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 9;

async function bundle(entry: string, outDir: string, name: string): Promise<string> {
  const outdir = join(outDir, name);
  await build({ ...BUNDLE_OPTIONS, entryPoints: { index: join(root, entry) }, outdir, logLevel: 'error' });
  return join(outdir, 'index.mjs');
}

/** The package as `npm install` lays it out: bin/vpcep-approval.js beside dist/cli/, no sources. */
async function installed(outDir: string): Promise<{ bin: string; bundle: string }> {
  const dir = join(outDir, 'installed');
  await mkdir(join(dir, 'bin'), { recursive: true });
  await copyFile(join(root, 'bin/vpcep-approval.js'), join(dir, 'bin/vpcep-approval.js'));
  const bundle = await bundleCli(join(dir, 'dist', 'cli'));
  return { bin: join(dir, 'bin/vpcep-approval.js'), bundle };
}

export async function cliColdStart(): Promise<string> {
  const sim = await startSimulator({ credentials: [{ ak: DEMO.ak, sk: DEMO.sk }] });
  const out = await mkdtemp(join(tmpdir(), 'vpcep-bench-cli-'));
  const env = {
    PATH: process.env.PATH,
    ...simulatorEnv(sim.url),
  };
  const ours = await installed(out);
  const runners: Array<[string, string[]]> = [
    [
      'ours, TypeScript sources (npx vpcep-approval, compile cache)',
      [join(root, 'bin/vpcep-approval.js'), 'decide', '--file', '-'],
    ],
    ['ours, installed: bin/ and the bundle (compile cache)', [ours.bin, 'decide', '--file', '-']],
    ['peer (SDK core), TypeScript sources', [join(root, 'bench/peer/cli.ts')]],
    ['peer (SDK core), esbuild bundle', [await bundle('bench/peer/cli.ts', out, 'peer')]],
    ['ours, the bundle alone (no compile cache)', [ours.bundle, 'decide', '--file', '-']],
  ];
  try {
    // Round by round, every runner once per round: load that drifts during the run (a shared machine)
    // then weighs on every runner alike instead of on whichever ran during it.
    const times: number[][] = runners.map(() => []);
    for (let run = 0; run < RUNS; run += 1) {
      for (const [index, [, args]] of runners.entries()) {
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
        times[index]?.push(result.ms);
      }
    }
    const medians = times.map(median);
    const [oursTs = 0, oursInstalled = 0, peerTs = 0, peerBundle = 0, oursAlone = 0] = medians;
    return [
      table(
        `CLI cold start to outcome, one-endpoint decision (median of ${RUNS} fresh processes, spawn to exit)`,
        ['runner', 'median'],
        runners.map(([name], i) => [name, ms(medians[i] ?? 0)]),
      ),
      `  peer/ours: sources ${ratio(peerTs / oursTs)}, installed vs peer bundle ${ratio(peerBundle / oursInstalled)}, bundle alone vs peer bundle ${ratio(peerBundle / oursAlone)}`,
      target(
        `installed CLI ≤ 0.8× the peer's bundle: ${ratio(oursInstalled / peerBundle)}`,
        oursInstalled <= 0.8 * peerBundle,
      ),
    ].join('\n');
  } finally {
    await sim.close();
  }
}
