/**
 * `npm run smoke -- --stage <stage> [--region <region>] [--url <webhook URL>] [--target <key>] [--from-env]`:
 * after a deploy, sends a dry-run decision through the deployed webhook with the stage's own secret and
 * shows the outcome it published. Nothing is changed: the webhook runs it as a dry run, and its one
 * endpoint is a placeholder no service has. The secret comes from SSM (`/vpcep-approval/<stage>/`,
 * as the webhook reads it) or, with `--from-env`, from WEBHOOK_BEARER_TOKEN, WEBHOOK_SIGNING_SECRET or
 * WEBHOOK_HUB_SECRET; it is never printed. The URL comes from `--url` or `serverless info`; the target
 * from `--target` or the stage's watchTargets (deploy/stages/<stage>.json).
 * Exit codes: 0 the stack works, 1 it answered wrongly, 2 bad input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { runProcess } from './run-process.ts';
import {
  authHeaders,
  decisionsUrl,
  judge,
  smokeDecision,
  WEBHOOK_SECRET_VARIABLES,
  type WebhookSecret,
} from './smoke/request.ts';

const ROOT = join(import.meta.dirname, '..');
const USAGE =
  'usage: npm run smoke -- --stage <stage> [--region <aws-region>] [--url <webhook URL>] [--target vpcep:<serviceId>] [--from-env]';

class Refused extends Error {}

async function secretOf(stage: string, region: string, fromEnv: boolean): Promise<WebhookSecret> {
  let found: Record<string, string> = {};
  if (fromEnv) {
    for (const name of WEBHOOK_SECRET_VARIABLES) {
      const value = process.env[name]?.trim();
      if (value) found[name] = value;
    }
  } else {
    const path = `/vpcep-approval/${stage}/`;
    const answer = await new SSMClient({ region }).send(
      new GetParametersCommand({
        Names: WEBHOOK_SECRET_VARIABLES.map((n) => `${path}${n}`),
        WithDecryption: true,
      }),
    );
    found = Object.fromEntries(
      (answer.Parameters ?? []).map((p) => [String(p.Name).slice(path.length), String(p.Value).trim()]),
    );
  }
  const variable = WEBHOOK_SECRET_VARIABLES.find((name) => found[name]);
  if (variable === undefined)
    throw new Refused(
      `no webhook secret ${fromEnv ? 'in the environment' : `under /vpcep-approval/${stage}/ (${region})`}: set ${WEBHOOK_SECRET_VARIABLES.join(', ')} (npm run setup)`,
    );
  return { variable, value: found[variable] as string };
}

function targetOf(stage: string, given: string | undefined): string {
  if (given !== undefined) return given;
  try {
    const params = JSON.parse(readFileSync(join(ROOT, 'deploy', 'stages', `${stage}.json`), 'utf8'));
    const first = String(params.watchTargets ?? '')
      .split(',')[0]
      ?.trim();
    if (first) return first;
  } catch {}
  throw new Refused(
    `no target: pass --target vpcep:<serviceId> (or set watchTargets in deploy/stages/${stage}.json)`,
  );
}

/** The webhook's URL as `serverless info` lists the stack's endpoints. */
async function deployedUrl(stage: string, region: string): Promise<string> {
  const serverless = join(ROOT, 'node_modules/osls/bin/serverless.js');
  const info = await runProcess(
    process.execPath,
    [serverless, 'info', '--stage', stage, '--region', region],
    {
      cwd: ROOT,
    },
  );
  const url = /POST - (https:\/\/\S+\/decisions)/.exec(info.stdout)?.[1];
  if (url === undefined)
    throw new Refused(`could not find the webhook's URL (serverless info): pass --url\n${info.stderr}`);
  return url;
}

export async function smoke(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stage: { type: 'string' },
      region: { type: 'string', default: 'eu-west-1' },
      url: { type: 'string' },
      target: { type: 'string' },
      'from-env': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.stage === undefined) throw new Refused(`--stage is required\n${USAGE}`);
  const target = targetOf(values.stage, values.target);
  if (!/^(vpcep|apig):[\w-]+$/.test(target))
    throw new Refused(`--target must be vpcep:<serviceId> or apig:<instanceId>`);
  const secret = await secretOf(values.stage, values.region, values['from-env']);
  const url = decisionsUrl(values.url ?? (await deployedUrl(values.stage, values.region)));
  const body = JSON.stringify(smokeDecision(target));

  console.log(`POST ${url.origin}${url.pathname}${url.search} (${target}, signed with ${secret.variable})`);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(secret, body) },
    body,
    signal: AbortSignal.timeout(35_000),
  });
  const text = await response.text();
  let answer: unknown = text;
  try {
    answer = JSON.parse(text);
  } catch {}
  const verdict = judge(response.status, answer);
  for (const line of verdict.lines) console.log(line.replaceAll(secret.value, '***'));
  console.log(verdict.ok ? 'smoke test passed' : 'smoke test FAILED');
  return verdict.ok ? 0 : 1;
}

if (import.meta.main) {
  try {
    process.exitCode = await smoke(process.argv.slice(2));
  } catch (error) {
    if (error instanceof Refused || (error instanceof Error && 'code' in error)) {
      console.error(error.message);
      process.exitCode = 2;
    } else {
      console.error(
        `smoke test FAILED: ${error instanceof Error ? `${error.name}: ${error.message}` : error}`,
      );
      process.exitCode = 1;
    }
  }
}
