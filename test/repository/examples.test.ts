/** examples/ works as docs/cli.md says: each decision validates, and runs against the demo targets. */
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTicketRef, ticketSystemOf } from '../../lib/tickets/ref.ts';
import { type Simulator, startSimulator } from '../../simulator/index.ts';
import { cliEnvironment, DEMO, seedDemo } from '../../simulator/main.ts';
import { runCliWith } from '../helpers/cli.ts';

const dir = new URL('../../examples/', import.meta.url);
const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();

let sim: Simulator;
let env: Record<string, string>;
beforeAll(async () => {
  sim = await startSimulator({ credentials: [{ ak: DEMO.ak, sk: DEMO.sk }] });
  // The environment the standalone simulator prints, taken as a person would paste it.
  env = Object.fromEntries(
    cliEnvironment(sim.url, DEMO.ak, DEMO.sk)
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
});
afterAll(async () => {
  await sim.close();
});

describe('examples/', () => {
  it('holds a decision for each case: VPCEP accept and reject, APIG, a dry run', () => {
    expect(files).toEqual(['apig-accept.json', 'dry-run.json', 'vpcep-accept.json', 'vpcep-reject.json']);
  });

  it.each(files)('%s names a ticket the ticket notifier would write back to', async (file) => {
    const { source } = JSON.parse(await readFile(new URL(file, dir), 'utf8'));
    if (ticketSystemOf(source) === undefined) return;
    // The ref alone decides: the examples' source.url, when there is one, is on the base given here.
    const base = source.url === undefined ? 'https://tickets.example.com' : new URL(source.url).origin;
    expect(parseTicketRef(source, base)).toMatchObject({ ok: true });
  });

  it('holds a ServiceNow example the notifier accepts, and would catch one it refuses', async () => {
    const { source } = JSON.parse(await readFile(new URL('vpcep-reject.json', dir), 'utf8'));
    expect(source.system).toBe('servicenow');
    expect(parseTicketRef({ ...source, ref: 'CHG0031043' }, 'https://acme.service-now.com')).toMatchObject({
      ok: false,
    });
  });

  it.each(files)('%s passes vpcep-approval validate with the printed environment', async (file) => {
    // validate resolves the target's project and region as decide does, so it needs the same settings.
    const run = await runCliWith(['validate', '--file', new URL(file, dir).pathname], env);
    expect(run.code, run.stderr).toBe(0);
    const original = JSON.parse(await readFile(new URL(file, dir), 'utf8'));
    expect(JSON.parse(run.stdout)).toMatchObject({ id: original.id, endpoints: original.endpoints });
  });

  it('each runs against the demo targets the simulator and npm start seed, with the printed environment', async () => {
    seedDemo(sim);
    for (const file of files) {
      const args = [
        'decide',
        '--file',
        new URL(file, dir).pathname,
        ...(file === 'dry-run.json' ? ['--dry-run'] : []),
      ];
      const run = await runCliWith(args, env);
      expect(run.code, `${file}: ${run.stderr}`).toBe(0);
      expect(JSON.parse(run.stdout).status, file).toBe('succeeded');
    }
    expect(sim.connection('vpcep', DEMO.projectId, DEMO.serviceId, DEMO.vpcepEndpoints[1])?.status).toBe(
      'rejected',
    );
    expect(sim.connection('apig', DEMO.projectId, DEMO.instanceId, DEMO.apigEndpoints[0])?.status).toBe(
      'accepted',
    );
  });
});
