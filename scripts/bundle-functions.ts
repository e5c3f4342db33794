/**
 * One small bundle per function: esbuild, minified ESM for Node 24, written to dist/functions/<name>/
 * (index.mjs and its chunks). serverless.yml packages each folder alone, so a zip holds its bundle and
 * nothing else. Code splitting puts what a function imports only on some paths (the SSM client for
 * deployed secrets, the SNS client in the webhook, the SQS client in the worker) in chunks that are
 * read and compiled only when first used, instead of at every cold start.
 * Run by `npm run package` before `serverless package`, and by the benchmarks.
 */
import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_OPTIONS } from './esbuild-options.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export type BundleResult = { name: string; file: string; bytes: number };

export async function bundleFunctions(outDir = join(root, 'dist', 'functions')): Promise<BundleResult[]> {
  const entries = (await readdir(join(root, 'functions'))).filter((f) => f.endsWith('.ts'));
  return Promise.all(
    entries.map(async (entry) => {
      const name = basename(entry, '.ts');
      const dir = join(outDir, name);
      await rm(dir, { recursive: true, force: true });
      const result = await build({
        ...BUNDLE_OPTIONS,
        entryPoints: { index: join(root, 'functions', entry) },
        outdir: dir,
        metafile: true,
      });
      return { name, file: join(dir, 'index.mjs'), bytes: outputBytes(result.metafile) };
    }),
  );
}

function outputBytes(metafile: Metafile): number {
  return Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
}

if (import.meta.main) {
  for (const bundle of await bundleFunctions()) {
    console.log(
      `${bundle.name.padEnd(20)} ${(bundle.bytes / 1024).toFixed(0).padStart(6)} KiB  ${bundle.file}`,
    );
  }
}
