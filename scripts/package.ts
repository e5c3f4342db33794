/**
 * `npm run package`: bundles each function (scripts/bundle-functions.ts), runs `serverless package`
 * (offline) with the arguments given after `--` (the required `--param`s, `--stage`, `--package <dir>`),
 * and reports each function's zip: what Lambda's 50 MB limit and a cold start's download apply to.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFunctions } from './bundle-functions.ts';
import { runProcess } from './run-process.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Values for the required parameters, for packaging in tests and benchmarks (the demo targets). */
export const EXAMPLE_PARAMS: Readonly<Record<string, string>> = {
  huaweiRegion: 'cn-north-4',
  huaweiProjectId: '0504201b6c80256b2f01c0074ea4d3f8',
  alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:on-call',
  allowedTargets: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88,apig:eddc4d25480b4cd6b512f270a1b8b341',
  watchTargets: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88,apig:eddc4d25480b4cd6b512f270a1b8b341',
};

/** `--param=name=value` arguments for `serverless package`. */
export const paramArgs = (params: Readonly<Record<string, string>>): string[] =>
  Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);

/** The zips in a package folder, by function, smallest first. */
export async function zipSizes(dir: string): Promise<Array<{ name: string; bytes: number }>> {
  const zips = (await readdir(dir)).filter((f) => f.endsWith('.zip'));
  const sizes = await Promise.all(
    zips.map(async (f) => ({ name: f.replace(/\.zip$/, ''), bytes: (await stat(join(dir, f))).size })),
  );
  return sizes.sort((a, b) => a.bytes - b.bytes);
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  await bundleFunctions();
  const result = await runProcess(
    process.execPath,
    [join(root, 'node_modules/osls/bin/serverless.js'), 'package', ...args],
    { cwd: root },
  );
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.code !== 0) process.exit(result.code ?? 1);
  const at = args.indexOf('--package');
  const dir = at === -1 ? join(root, '.serverless') : resolve(args[at + 1] ?? '.serverless');
  console.log('\nfunction zips (what Lambda stores and loads):');
  for (const zip of await zipSizes(dir))
    console.log(`  ${zip.name.padEnd(18)} ${(zip.bytes / 1024).toFixed(0).padStart(5)} KiB`);
}
