/**
 * Every setting of the deployed system, read from where the code defines it: each function's variables
 * (its `functions/<name>/config.ts` schema shape), which of them are secrets (lib/secrets.ts), the deploy
 * parameters and the variables they set (serverless.yml), and which parameters are required
 * (deploy/required-params.cjs). docs/configuration.md, each function's SSM read permission and
 * `npm run setup` are all built from this, so none of them is a table kept by hand.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as z from 'zod/mini';
import { loadSweeperConfig, SweeperVariables } from '../functions/approval-sweeper/config.ts';
import { DingtalkVariables, loadDingtalkConfig } from '../functions/chatops-dingtalk/config.ts';
import { FeishuVariables, loadFeishuConfig } from '../functions/chatops-feishu/config.ts';
import { loadSlackConfig, SlackVariables } from '../functions/chatops-slack/config.ts';
import { loadWecomConfig, WecomVariables } from '../functions/chatops-wecom/config.ts';
import type { BaseConfig, ConfigSource } from '../functions/commons/wiring.ts';
import { loadWebhookConfig, WebhookVariables } from '../functions/decision-webhook/config.ts';
import { loadWorkerConfig, WorkerVariables } from '../functions/decision-worker/config.ts';
import { loadNotifierConfig, NotifierVariables } from '../functions/outcome-notifier/config.ts';
import { loadTicketNotifierConfig, TicketNotifierVariables } from '../functions/ticket-notifier/config.ts';
import { SECRET_VARIABLES } from '../lib/secrets.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

type Shape = Readonly<Record<string, z.core.$ZodType>>;

/** The functions by their serverless.yml names: how each loads its configuration, and every variable it reads. */
export const FUNCTIONS: Readonly<Record<string, ConfigSource<BaseConfig> & { variables: Shape }>> = {
  decisionWebhook: { load: loadWebhookConfig, variables: WebhookVariables },
  decisionWorker: { load: loadWorkerConfig, variables: WorkerVariables },
  chatopsSlack: { load: loadSlackConfig, variables: SlackVariables },
  chatopsFeishu: { load: loadFeishuConfig, variables: FeishuVariables },
  chatopsDingtalk: { load: loadDingtalkConfig, variables: DingtalkVariables },
  chatopsWecom: { load: loadWecomConfig, variables: WecomVariables },
  approvalSweeper: { load: loadSweeperConfig, variables: SweeperVariables },
  outcomeNotifier: { load: loadNotifierConfig, variables: NotifierVariables },
  ticketNotifier: { load: loadTicketNotifierConfig, variables: TicketNotifierVariables },
};

export const FUNCTION_VARIABLES: Readonly<Record<string, Shape>> = Object.fromEntries(
  Object.entries(FUNCTIONS).map(([fn, f]) => [fn, f.variables]),
);

/** Read by every function's wiring (lib/secrets.ts) before its own configuration; never from SSM. */
export const WIRING_VARIABLES = ['SECRETS_SSM_PATH', 'POWERTOOLS_PARAMETERS_MAX_AGE'] as const;

export type VariableInfo = {
  name: string;
  functions: string[];
  /** The functions that refuse to start without it (their schema has neither default nor optional). */
  requiredBy: string[];
  default: string | undefined;
  secret: boolean;
  /** How serverless.yml sets it when deployed: from a parameter, from a resource of the stack, or a value. */
  deployed: { parameter: string } | { resource: string } | { value: string } | undefined;
};

export type ParameterInfo = {
  name: string;
  required: boolean;
  /** serverless.yml's default; undefined when empty (off, or required). */
  default: string | undefined;
  /** The variables serverless.yml sets from it. */
  variables: string[];
};

function defaultOf(schema: z.core.$ZodType): string | undefined {
  const def = schema._zod.def as { type: string; defaultValue?: unknown };
  return def.type === 'default' ? String(def.defaultValue) : undefined;
}

/** `NAME: value` lines of serverless.yml's environments (provider and functions). */
function deployedVariables(serverlessYml: string): Map<string, NonNullable<VariableInfo['deployed']>> {
  const out = new Map<string, NonNullable<VariableInfo['deployed']>>();
  for (const [, name, value] of serverlessYml.matchAll(/^ {4,6}([A-Z][A-Z0-9_]*): (.+)$/gm)) {
    if (name === undefined || value === undefined) continue;
    // `${self:custom.requiredParams.X}` is parameter X as deploy/required-params.cjs checked it (left
    // out of the template where an estate replaces it).
    const param =
      /^\$\{param:(\w+)\}$/.exec(value.trim()) ??
      /^\$\{self:custom\.requiredParams\.(\w+)\}$/.exec(value.trim());
    const resource = /^!(?:Ref|GetAtt) (\w+)/.exec(value.trim());
    out.set(
      name,
      param?.[1] !== undefined
        ? { parameter: param[1] }
        : resource?.[1] !== undefined
          ? { resource: resource[1] }
          : { value: value.trim() },
    );
  }
  return out;
}

export function readServerlessYml(): string {
  return readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
}

export function variableCatalog(serverlessYml = readServerlessYml()): VariableInfo[] {
  const deployed = deployedVariables(serverlessYml);
  const byName = new Map<string, VariableInfo>();
  for (const name of WIRING_VARIABLES)
    byName.set(name, {
      name,
      functions: Object.keys(FUNCTION_VARIABLES),
      requiredBy: [],
      default: name === 'POWERTOOLS_PARAMETERS_MAX_AGE' ? '300' : undefined,
      secret: false,
      deployed: deployed.get(name),
    });
  for (const [fn, shape] of Object.entries(FUNCTION_VARIABLES))
    for (const [name, schema] of Object.entries(shape)) {
      const info = byName.get(name) ?? {
        name,
        functions: [],
        requiredBy: [],
        default: defaultOf(schema),
        secret: SECRET_VARIABLES.has(name),
        deployed: deployed.get(name),
      };
      info.functions.push(fn);
      if (schema._zod.optin === undefined) info.requiredBy.push(fn);
      byName.set(name, info);
    }
  return [...byName.values()];
}

type RequiredParams = { required: string[]; examples: Record<string, string>; check: CheckParam };
export type CheckParam = (name: string, value: string) => string | undefined;

/** deploy/required-params.cjs: the parameters a stack cannot do without, their examples and checks. */
export function requiredParams(): RequiredParams {
  return createRequire(import.meta.url)('../deploy/required-params.cjs') as RequiredParams;
}

export function parameterCatalog(serverlessYml = readServerlessYml()): ParameterInfo[] {
  const block = /^params:\n {2}default:\n((?: {4}.*\n|\n)+)/m.exec(serverlessYml)?.[1] ?? '';
  const required = new Set(requiredParams().required);
  const deployed = deployedVariables(serverlessYml);
  const out: ParameterInfo[] = [];
  // Each is `${file(./deploy/stages/${sls:stage}.json):name, <default>}`: the stage's file, else the default.
  for (const [, name, raw] of block.matchAll(/^ {4}(\w+): \$\{file\([^)]*\):\w+, (.*)\}$/gm)) {
    if (name === undefined || raw === undefined) continue;
    const value = raw.trim().replace(/^"(.*)"$/, '$1');
    out.push({
      name,
      required: required.has(name),
      default: value === '' ? undefined : value,
      variables: [...deployed].filter(([, d]) => 'parameter' in d && d.parameter === name).map(([v]) => v),
    });
  }
  return out;
}

/**
 * The SSM parameters each function may read, and asks for: every variable it reads (its SSM values
 * are laid over the environment, so a setting may live there as well as a secret), nothing else.
 */
export function ssmParameters(): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(FUNCTION_VARIABLES).map(([fn, shape]) => [fn, Object.keys(shape)]),
  );
}
