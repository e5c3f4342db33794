/** Packaging with osls into a temp folder, unzipping, and invoking a packaged handler in a child process. */
import { mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { bundleFunctions } from '../../scripts/bundle-functions.ts';
import { EXAMPLE_PARAMS, paramArgs } from '../../scripts/package.ts';
import { runProcess } from '../../scripts/run-process.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {},
) {
  return runProcess(command, args, { cwd: ROOT, ...options });
}

/** The parameters a deployed stack requires (deploy/required-params.cjs), with realistic values. */
export const DEPLOY_PARAMS = EXAMPLE_PARAMS;

/** `serverless package` alone (offline), into `dir`, with these `--param`s. */
export function serverlessPackage(dir: string, params: Readonly<Record<string, string>>) {
  return run(process.execPath, [
    join(ROOT, 'node_modules/osls/bin/serverless.js'),
    'package',
    '--package',
    dir,
    ...paramArgs(params),
  ]);
}

/** `npm run package`'s two steps, with the artifacts written to a fresh temp folder. */
export async function packageService(params: Readonly<Record<string, string>> = DEPLOY_PARAMS): Promise<{
  dir: string;
  zips: Array<{ name: string; path: string; bytes: number }>;
}> {
  await bundleFunctions();
  const dir = await mkdtemp(join(tmpdir(), 'vpcep-package-'));
  const result = await serverlessPackage(dir, params);
  if (result.code !== 0) throw new Error(`serverless package failed:\n${result.stdout}\n${result.stderr}`);
  const names = (await readdir(dir)).filter((f) => f.endsWith('.zip'));
  const zips = await Promise.all(
    names.map(async (f) => ({
      name: f.replace(/\.zip$/, ''),
      path: join(dir, f),
      bytes: (await stat(join(dir, f))).size,
    })),
  );
  return { dir, zips };
}

export function zipEntries(path: string): Promise<Array<{ name: string; data: Buffer }>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || zip === undefined) return reject(error);
      const entries: Array<{ name: string; data: Buffer }> = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || stream === undefined) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Unzips into `into` and returns the path of the one handler file. */
export async function extractHandler(zipPath: string, into: string): Promise<string> {
  const entries = await zipEntries(zipPath);
  for (const entry of entries) {
    const target = join(into, entry.name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, entry.data);
  }
  const handler = entries.find((e) => e.name.endsWith('/index.mjs'));
  if (handler === undefined) throw new Error(`${zipPath} holds no index.mjs`);
  return join(into, handler.name);
}

/** Invokes a handler file in a fresh Node process (the runtime Lambda would use: this Node 24). */
export async function invokeHandler(file: string, event: unknown, env: Record<string, string | undefined>) {
  const result = await run(process.execPath, [join(ROOT, 'scripts/invoke-handler.ts'), file], {
    env,
    input: JSON.stringify(event),
  });
  if (result.code !== 0) throw new Error(`handler process failed (${result.code}):\n${result.stderr}`);
  const lastLine = result.stdout.trim().split('\n').at(-1) ?? '';
  return {
    ...(JSON.parse(lastLine) as { result: unknown; initMs: number; firstEventMs: number }),
    logs: result.stderr,
  };
}
