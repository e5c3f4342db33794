/**
 * One small bundle per function: esbuild, minified ESM for Node 24, written to dist/functions/<name>/
 * index.mjs. serverless.yml packages each folder alone, so a zip holds its bundle and nothing else.
 * Run by `npm run package` before `serverless package`, and by the benchmarks.
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

export type BundleResult = { name: string; file: string; bytes: number };

export async function bundleFunctions(outDir = join(root, 'dist', 'functions')): Promise<BundleResult[]> {
  const entries = (await readdir(join(root, 'functions'))).filter((f) => f.endsWith('.ts'));
  return Promise.all(
    entries.map(async (entry) => {
      const name = basename(entry, '.ts');
      const file = join(outDir, name, 'index.mjs');
      const result = await build({
        entryPoints: [join(root, 'functions', entry)],
        outfile: file,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        minify: true,
        metafile: true,
        legalComments: 'none',
        // CommonJS dependencies (undici, the AWS SDK) call require() for Node built-ins; ESM has none.
        banner: {
          js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        },
        logLevel: 'warning',
      });
      return { name, file, bytes: outputBytes(result.metafile) };
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
