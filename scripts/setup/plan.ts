/**
 * What `npm run setup` asks for and how it checks the answers: the required deploy parameters
 * (deploy/required-params.cjs, the checks serverless applies), then the SSM values — each checked by the
 * variable's own schema as it is typed, and all of them together by loading every function's
 * configuration (functions/<name>/config.ts) from the environment it will have once deployed.
 */
import type * as z from 'zod/mini';
import { configErrorFrom } from '../../lib/config.ts';
import { SECRET_VARIABLES } from '../../lib/secrets.ts';
import { FUNCTIONS, parameterCatalog, requiredParams } from '../config-catalog.ts';
import { PARAMETER_DESCRIPTIONS, VARIABLE_DESCRIPTIONS } from '../config-descriptions.ts';

export type Question = { name: string; secret: boolean; required: boolean; help: string };

/** Stored in SSM though not secret: the functions read them from nowhere else once deployed. */
const SSM_SETTINGS = ['SLACK_ALLOWED_USERS', 'FEISHU_APP_ID', 'FEISHU_ALLOWED_USERS'];

/** Left out: rotation (`_PREVIOUS`) and temporary Huawei credentials are not a first setup's. */
const NOT_ASKED = /(_PREVIOUS|_SECURITY_TOKEN|_AUTH_TOKEN)$/;

/** A deployed function cannot call Huawei Cloud without these. */
const REQUIRED = new Set(['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK']);

/** The SSM values, in the order they are asked: secrets (read without echo), then plain settings. */
export function ssmQuestions(): Question[] {
  const secrets = [...SECRET_VARIABLES].filter((name) => !NOT_ASKED.test(name));
  return [...secrets, ...SSM_SETTINGS].map((name) => ({
    name,
    secret: SECRET_VARIABLES.has(name),
    required: REQUIRED.has(name),
    help: VARIABLE_DESCRIPTIONS[name] ?? '',
  }));
}

export function parameterQuestions(): Question[] {
  const { required, examples } = requiredParams();
  return required.map((name) => ({
    name,
    secret: false,
    required: true,
    help: `${PARAMETER_DESCRIPTIONS[name] ?? name}; e.g. ${examples[name]}`,
  }));
}

/** `huaweiRegion` → `HUAWEI_REGION`: where `--from-env` finds a parameter. */
export const paramEnvName = (param: string) => param.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/**
 * Why a parameter's value would stop `serverless deploy`, or undefined: the required ones by their
 * rule, and one whose default is a number (a count, seconds, a rate) must be a whole number too.
 */
export function checkParameter(name: string, value: string): string | undefined {
  const numeric = /^\d+$/.test(parameterCatalog().find((p) => p.name === name)?.default ?? '');
  if (numeric && !/^\d+$/.test(value)) return 'must be a whole number';
  return requiredParams().check(name, value);
}

/** Why a value would stop the functions that read it (its schema's message), or undefined. */
export function checkValue(name: string, value: string): string | undefined {
  for (const { variables } of Object.values(FUNCTIONS)) {
    const schema = variables[name] as z.core.$ZodType | undefined;
    if (schema === undefined) continue;
    const parsed = (schema as z.ZodMiniType).safeParse(value);
    if (!parsed.success) return configErrorFrom(parsed.error).reason;
  }
  return undefined;
}

/** Placeholders for what the stack itself sets (a queue, a topic, a table), so each function can load. */
const STACK = {
  DECISION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/vpcep-approval-setup-decisions.fifo',
  OUTCOME_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:vpcep-approval-setup-outcomes',
  LEDGER_TABLE_NAME: 'vpcep-approval-setup-ledger',
  VPCEP_APPROVAL_HTTP_CLIENT: 'node',
};

/**
 * Every function's configuration loaded from what it will see deployed: the stack, the parameters'
 * variables (given, else serverless.yml's defaults) and the SSM values. Each problem names the
 * function and the variable; any secret value a message might quote is cut out.
 */
export function checkStage(params: Record<string, string>, ssm: Record<string, string>): string[] {
  const env: Record<string, string> = { ...STACK };
  for (const p of parameterCatalog()) {
    const value = params[p.name] ?? p.default;
    if (value !== undefined) for (const variable of p.variables) env[variable] = value;
  }
  Object.assign(env, ssm);
  const secrets = Object.entries(ssm)
    .filter(([name]) => SECRET_VARIABLES.has(name))
    .map(([, value]) => value);
  const problems: string[] = [];
  for (const [fn, { load }] of Object.entries(FUNCTIONS)) {
    try {
      load(env);
    } catch (error) {
      let message = error instanceof Error ? error.message : String(error);
      for (const secret of secrets) message = message.replaceAll(secret, '***');
      problems.push(`${fn}: ${message}`);
    }
  }
  return problems;
}
