/**
 * The CLI as `npm pack` ships it: one esbuild bundle, dist/cli/vpcep-approval.mjs (and its chunks), for
 * Node 20 and later. The shared settings target the functions' Node 24; the CLI runs on operators'
 * laptops and CI images, so syntax is lowered to Node 20 (built-ins it lacks are shimmed in
 * lib/cli/node-compat.ts). Run by `prepack`, and by the benchmark and the installed-CLI test.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from './esbuild-options.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The oldest Node the packed CLI supports: package.json's `engines` says the same. */
export const CLI_NODE_TARGET = 'node20';

export async function bundleCli(outDir = join(root, 'dist', 'cli')): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  await build({
    ...BUNDLE_OPTIONS,
    target: CLI_NODE_TARGET,
    entryPoints: { 'vpcep-approval': join(root, 'lib', 'cli', 'entry.ts') },
    outdir: outDir,
  });
  return join(outDir, 'vpcep-approval.mjs');
}

if (import.meta.main) console.log(await bundleCli());
