/**
 * `npm run setup -- --stage <stage> [--region <region>] [--from-env]`: everything a stage needs before
 * its first `npm run deploy`. Asks for the required deploy parameters, then each SSM value (secrets
 * without echo), checks every answer the way serverless and the functions will, and only when all pass
 * puts the values into SSM (`/vpcep-approval/<stage>/`) and writes the parameters to
 * deploy/stages/<stage>.json, which serverless.yml reads for that stage. With `--from-env` it asks
 * nothing: parameters come from `HUAWEI_REGION`, `ALARM_TOPIC_ARN`, … (the parameter's name in
 * upper snake case), SSM values from the variables themselves (`HUAWEICLOUD_SDK_SK`, …).
 * No value it is given is ever printed. Exit codes: 0 done, 2 bad input (nothing written), 1 SSM failed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parameterCatalog, ROOT } from './config-catalog.ts';
import {
  checkParameter,
  checkStage,
  checkValue,
  paramEnvName,
  parameterQuestions,
  type Question,
  ssmQuestions,
} from './setup/plan.ts';
import { type Prompt, terminalPrompt } from './setup/prompt.ts';
import { defaultSsmClient, putStageValues, ssmPath } from './setup/ssm.ts';

const USAGE = 'usage: npm run setup -- --stage <stage> [--region <aws-region>] [--from-env]';
const STAGE = /^[a-zA-Z0-9-]{1,32}$/;
const WEBHOOK_SECRETS = ['WEBHOOK_SIGNING_SECRET', 'WEBHOOK_HUB_SECRET', 'WEBHOOK_BEARER_TOKEN'];

export const stageFile = (stage: string) => join('deploy', 'stages', `${stage}.json`);

class Refused extends Error {}

function readStageFile(stage: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(ROOT, stageFile(stage)), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** Asks until the answer passes `check`; empty keeps `current` or, when optional, skips. */
async function askUntilValid(
  prompt: Prompt,
  q: Question,
  check: (value: string) => string | undefined,
  current: string | undefined,
): Promise<string | undefined> {
  const note =
    current !== undefined ? ' [Enter keeps the current value]' : q.required ? '' : ' [Enter skips]';
  for (;;) {
    const answer = (await prompt.ask(`${q.name} (${q.help})${note}: `, { hidden: q.secret }))?.trim();
    if (answer === undefined) throw new Refused(`no answer for ${q.name}: setup stopped, nothing written`);
    if (answer === '') {
      if (current !== undefined || !q.required) return current;
      process.stderr.write(`${q.name} is required\n`);
      continue;
    }
    const reason = check(answer);
    if (reason === undefined) return answer;
    process.stderr.write(`${q.name} ${reason}\n`);
  }
}

async function collect(stage: string, fromEnv: boolean) {
  const params: Record<string, string> = readStageFile(stage);
  const ssm: Record<string, string> = {};
  const problems: string[] = [];
  const prompt = fromEnv ? undefined : terminalPrompt();
  try {
    if (fromEnv)
      for (const { name } of parameterCatalog()) {
        const value = process.env[paramEnvName(name)]?.trim();
        if (!value) continue;
        const reason = checkParameter(name, value);
        if (reason === undefined) params[name] = value;
        else problems.push(`parameter ${name} ${reason} (${paramEnvName(name)})`);
      }
    for (const q of parameterQuestions()) {
      const value = prompt
        ? await askUntilValid(prompt, q, (v) => checkParameter(q.name, v), params[q.name])
        : params[q.name];
      if (value === undefined) problems.push(`parameter ${q.name} is required: set ${paramEnvName(q.name)}`);
      else if (checkParameter(q.name, value) !== undefined)
        problems.push(`parameter ${q.name} ${checkParameter(q.name, value)}`);
      else params[q.name] = value;
    }
    for (const q of ssmQuestions()) {
      const value = prompt
        ? await askUntilValid(prompt, q, (v) => checkValue(q.name, v), undefined)
        : process.env[q.name]?.trim() || undefined;
      if (value === undefined) {
        if (q.required) problems.push(`${q.name} is required: set it in the environment`);
        continue;
      }
      const reason = checkValue(q.name, value);
      if (reason === undefined) ssm[q.name] = value;
      else problems.push(`${q.name}: ${reason}`);
    }
  } finally {
    prompt?.close();
  }
  return { params, ssm, problems };
}

export async function setup(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stage: { type: 'string' },
      region: { type: 'string', default: 'eu-west-1' },
      'from-env': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.stage === undefined || !STAGE.test(values.stage))
    throw new Refused(`--stage is required: letters, digits and -\n${USAGE}`);
  const stage = values.stage;
  const region = values.region;
  const { params, ssm, problems } = await collect(stage, values['from-env']);
  problems.push(...(problems.length === 0 ? checkStage(params, ssm) : []));
  if (problems.length > 0)
    throw new Refused(`setup refused, nothing written:\n${problems.map((p) => `  ${p}`).join('\n')}`);

  const secretNames = new Set(
    ssmQuestions()
      .filter((q) => q.secret)
      .map((q) => q.name),
  );
  const entries = Object.entries(ssm).map(([name, value]) => ({
    name,
    value,
    secret: secretNames.has(name),
  }));
  try {
    await putStageValues(defaultSsmClient(region), stage, entries);
  } catch (error) {
    let message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    for (const { value } of entries) message = message.replaceAll(value, '***');
    console.error(`SSM refused the values (${region}), stage file not written: ${message}`);
    return 1;
  }
  mkdirSync(join(ROOT, 'deploy', 'stages'), { recursive: true });
  writeFileSync(join(ROOT, stageFile(stage)), `${JSON.stringify(params, null, 2)}\n`);

  console.log(`SSM ${ssmPath(stage)} (${region}): ${entries.map((e) => e.name).join(', ')}`);
  console.log(`parameters: ${stageFile(stage)} (${Object.keys(params).join(', ')})`);
  if (!WEBHOOK_SECRETS.some((name) => name in ssm))
    console.log(`note: no ${WEBHOOK_SECRETS.join(' / ')}: the decision webhook will refuse every request`);
  console.log(`\nnext: npm run deploy -- --stage ${stage} --region ${region}`);
  console.log(`then: npm run smoke -- --stage ${stage} --region ${region}`);
  return 0;
}

if (import.meta.main) {
  try {
    process.exitCode = await setup(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof Refused || (error instanceof Error && 'code' in error))) throw error;
    console.error(error.message);
    process.exitCode = 2;
  }
}
