/**
 * The CLI as an operator installs it: `npm pack`, then `npm install -g` of the tarball with the
 * machine's own Node 20 and its npm, then the installed `vpcep-approval` command (its shebang finds
 * Node 20 on PATH) against the simulator and an in-process DynamoDB. One pack and one install serve
 * every test here.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../scripts/run-process.ts';
import { LOCAL_AWS, type LocalDynamo, startDynalite } from '../helpers/dynalite.ts';
import { aDecision, ENDPOINT_ID, endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';
import { ROOT } from '../helpers/packaging.ts';
import { findSystemNode, pathFor } from '../helpers/system-node.ts';

const system = findSystemNode(20);
const TARGET = `vpcep:${SERVICE_ID}`;
// Pack and install take a few seconds each on a quiet machine; CI machines are small and shared.
const SETUP_MS = 180_000;

// Skipped, saying why in its name, where the machine has no Node 20 of its own.
const TITLE =
  system === undefined
    ? 'the installed CLI (skipped: no Node 20 with npm on PATH outside node_modules)'
    : `the installed CLI on the system Node ${system.version}`;

describe.skipIf(system === undefined)(TITLE, () => {
  let prefix: string;
  let command: string;
  let tarball: string;
  let h: Harness;
  let dynamo: LocalDynamo;
  let path: string;

  beforeAll(async () => {
    if (system === undefined) return;
    path = pathFor(system);
    const work = await mkdtemp(join(tmpdir(), 'vpcep-cli-install-'));
    const env = { ...process.env, PATH: path };
    // `npm pack` runs the prepack script (the bundle); npm puts node_modules/.bin on its PATH.
    const packed = await runProcess(system.npm, ['pack', '--pack-destination', work], { env, cwd: ROOT });
    expect(packed.code, packed.stderr).toBe(0);
    const [name] = (await readdir(work)).filter((f) => /^vpcep-approval-.*\.tgz$/.test(f));
    tarball = join(work, name as string);
    prefix = join(work, 'prefix');
    const installed = await runProcess(
      system.npm,
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball],
      { env, cwd: work },
    );
    expect(installed.code, installed.stderr).toBe(0);
    command = join(prefix, 'bin', 'vpcep-approval');
    [h, dynamo] = await Promise.all([startHarness(), startDynalite()]);
  }, SETUP_MS);

  afterAll(async () => {
    await Promise.all([h?.close(), dynamo?.close()]);
  });

  function cli(args: string[], input = '', extraEnv: Record<string, string> = {}) {
    return runProcess(command, args, {
      env: { PATH: path, HOME: tmpdir(), ...h.env, ...ledgerEnv(), ...extraEnv },
      input,
    });
  }

  const ledgerEnv = () => ({
    LEDGER_TABLE_NAME: dynamo.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  });

  it('runs on Node 20: the node its shebang finds is the system one', async () => {
    const found = await runProcess('node', ['--version'], { env: { PATH: path } });
    expect(found.stdout.trim()).toBe(system?.version);
  });

  it('holds the command and its bundle only: no sources, no dependencies to install', async () => {
    const listing = await runProcess('tar', ['-tzf', tarball]);
    const files = listing.stdout.trim().split('\n');
    expect(files).toContain('package/bin/vpcep-approval.js');
    expect(files).toContain('package/dist/cli/vpcep-approval.mjs');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    const manifest = JSON.parse(
      await readFile(join(prefix, 'lib', 'node_modules', 'vpcep-approval', 'package.json'), 'utf8'),
    );
    expect(manifest.dependencies).toBeUndefined();
  });

  it('in the checkout, node bin/vpcep-approval.js on Node 20 runs the bundle instead of dying', async () => {
    // npm pack above built dist/cli/ in the checkout; Node 20 cannot run lib/'s TypeScript.
    const run = await runProcess(
      system?.node as string,
      [join(ROOT, 'bin', 'vpcep-approval.js'), '--version'],
      {
        env: { PATH: path },
      },
    );
    expect(run.stderr).not.toContain('enableCompileCache');
    expect(run).toMatchObject({
      code: 0,
      stdout: `${JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version}\n`,
    });
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    const run = await cli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('decide, status, pending and history work against the simulator and the ledger', async () => {
    const [other] = endpointIds(1) as [string];
    h.sim.seed({
      kind: 'vpcep',
      projectId: PROJECT_ID,
      targetId: SERVICE_ID,
      connections: [
        { id: ENDPOINT_ID, status: 'pendingAcceptance' },
        { id: other, status: 'pendingAcceptance' },
      ],
    });

    const decided = await cli(['decide', '--file', '-'], JSON.stringify(aDecision()));
    expect(decided.code, decided.stderr).toBe(0);
    expect(JSON.parse(decided.stdout)).toMatchObject({
      status: 'succeeded',
      results: [{ endpointId: ENDPOINT_ID, status: 'accepted', changed: true }],
    });
    expect(h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, ENDPOINT_ID)?.status).toBe('accepted');

    const status = await cli(['status', '--target', TARGET, '--endpoint', ENDPOINT_ID]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).connections).toEqual([
      expect.objectContaining({ endpointId: ENDPOINT_ID, status: 'accepted' }),
    ]);

    const pending = await cli(['pending', '--target', TARGET]);
    expect(pending.code, pending.stderr).toBe(0);
    expect(JSON.parse(pending.stdout).targets[0].connections).toEqual([
      expect.objectContaining({ endpointId: other, would: 'ask' }),
    ]);

    const history = await cli(['history', '--target', TARGET]);
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout).decisions).toEqual([
      expect.objectContaining({ decisionId: 'CHG-1042', endpointId: ENDPOINT_ID, action: 'accept' }),
    ]);
  });

  it('reads a decision from a file and exits 2 naming the field of a bad one, with no call', async () => {
    const before = h.sim.calls.length;
    const run = await cli(['validate', '--file', join(ROOT, 'examples', 'vpcep-accept.json')]);
    expect(run.code, run.stderr).toBe(0);

    const bad = await cli(['decide', '--file', '-'], JSON.stringify(aDecision({ endpoints: ['nope'] })));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('endpoints[0]');
    expect(h.sim.calls.length).toBe(before);
  });
});
