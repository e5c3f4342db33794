/**
 * Configuration, read from the environment once by each entry point and passed down. Nothing else in
 * lib/ reads process.env. A bad or missing variable is named in the error.
 */
import * as z from 'zod/mini';
import { Hex32Schema, RegionSchema } from './decision/schema.ts';
import { ConfigError } from './errors.ts';
import { ESTATE_VARIABLE, type Estate, parseEstate } from './estate/schema.ts';
import type { Credentials } from './huawei/client.ts';
import { parseTargetKey } from './policy.ts';

const text = z.optional(z.string());
const baseUrl = z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) base URL' }));

/** The hosts plain http may reach: this machine only, for local stand-ins. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether credentials may travel to `url`: https, or plain http only to this machine (a stand-in in
 * tests or the local stack). Anything else would send a token or secret in the clear.
 */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/** An API base URL that credentials are sent to: https, or plain http to this machine only. */
export const credentialBaseUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .check(
    z.refine(
      (value) => isHttpsOrLoopback(new URL(value)),
      'must be an https URL (plain http only to localhost, 127.0.0.1 or [::1])',
    ),
  );

/** A whole number in a range; the message says the range, whatever was wrong with the value. */
export function intSetting(fallback: number, min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return z._default(
    z.pipe(
      z.string().check(z.refine((v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max, message)),
      z.transform(Number),
    ),
    fallback,
  );
}

/** One of a few words; the message lists them. */
export function enumSetting<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, `must be one of ${values.join(', ')}`);
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Who calls Huawei Cloud, and where: every function that executes a decision or reads a target. */
export const HuaweiEnv = {
  HUAWEICLOUD_SDK_AK: text,
  HUAWEICLOUD_SDK_SK: text,
  HUAWEICLOUD_SDK_SECURITY_TOKEN: text,
  HUAWEICLOUD_AUTH_TOKEN: text,
  HUAWEICLOUD_SDK_PROJECT_ID: z.optional(Hex32Schema),
  HUAWEICLOUD_REGION: z.optional(RegionSchema),
  HUAWEICLOUD_VPCEP_ENDPOINT: baseUrl,
  HUAWEICLOUD_APIG_ENDPOINT: baseUrl,
  /** IAM, for an estate's agencies and project lookups; Huawei's SDKs read the same name. */
  HUAWEICLOUD_SDK_IAM_ENDPOINT: baseUrl,
};

/** How calls are made: concurrency, retries, time limits, the HTTP stack. */
export const ExecutionEnv = {
  VPCEP_APPROVAL_CONCURRENCY: intSetting(16, 1, 64),
  VPCEP_APPROVAL_MAX_ATTEMPTS: intSetting(4, 1, 10),
  VPCEP_APPROVAL_REQUEST_TIMEOUT_MS: intSetting(5_000, 100, 60_000),
  VPCEP_APPROVAL_CONNECT_TIMEOUT_MS: intSetting(3_000, 100, 30_000),
  VPCEP_APPROVAL_DEADLINE_MS: intSetting(60_000, 1_000, 900_000),
  VPCEP_APPROVAL_BACKOFF_BASE_MS: intSetting(200, 1, 10_000),
  VPCEP_APPROVAL_BACKOFF_MAX_MS: intSetting(5_000, 1, 60_000),
  VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: intSetting(30_000, 0, 600_000),
  VPCEP_APPROVAL_SETTLE_POLL_MS: intSetting(1_000, 10, 60_000),
  VPCEP_APPROVAL_HTTP_CLIENT: z._default(enumSetting(['undici', 'node']), 'undici'),
};

/** Which targets may be changed at all. */
export const PolicyEnv = { VPCEP_APPROVAL_ALLOWED_TARGETS: text, [ESTATE_VARIABLE]: text };

/** Unset leaves the level to Powertools (POWERTOOLS_LOG_LEVEL, Lambda's log-level setting) in functions. */
export const LogEnv = { VPCEP_APPROVAL_LOG_LEVEL: z.optional(enumSetting(LOG_LEVELS)) };

/** "required by this function" when the variable is missing, else what a value must be. */
function requiredOr(expected: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'required by this function' : expected);
}

/** Where decisions are queued (the webhook and chat send to it). */
export const QueueEnv = { DECISION_QUEUE_URL: z.url({ error: requiredOr('must be the queue URL') }) };

/** Where outcomes are published (the webhook with ?wait=true, and the worker). */
export const TopicEnv = {
  OUTCOME_TOPIC_ARN: z
    .string({ error: requiredOr('must be an SNS topic ARN') })
    .check(z.regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w.-]+$/, 'must be an SNS topic ARN')),
};

/**
 * The ledger's DynamoDB table (AWS_ENDPOINT_URL_DYNAMODB, read by the SDK itself, points it elsewhere).
 * Required by the functions that remember decisions, requests or deliveries; the CLI works without it.
 */
export const LedgerEnv = {
  LEDGER_TABLE_NAME: z
    .string({ error: requiredOr('must be the ledger’s DynamoDB table name') })
    .check(z.regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name (3 to 255 of a-z, A-Z, 0-9, _ - .)')),
};

/** What every function that executes decisions or reads targets needs: the CLI's configuration. */
export const DecisionEnv = { ...HuaweiEnv, ...ExecutionEnv, ...PolicyEnv, ...LogEnv };

const EnvSchema = z.object(DecisionEnv);

/** Parses the variables of `shape` out of the environment, or throws a ConfigError naming the first bad one. */
export function parseEnv<S extends z.core.$ZodLooseShape>(
  shape: S,
  env: Record<string, string | undefined>,
): z.output<z.ZodMiniObject<S>> {
  const parsed = z.object(shape).safeParse(presentValues(env));
  if (!parsed.success) throw configErrorFrom(parsed.error);
  return parsed.data;
}

/** Every variable the configuration reads, e.g. for the CLI's `--help` to be checked against. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/**
 * Unset and empty are the same: `FOO=` in a shell or a template means "not configured". Values are
 * trimmed, so a stray newline from a secret store does not break a signature.
 */
export function presentValues(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    if (trimmed !== undefined && trimmed !== '') out[key] = trimmed;
  }
  return out;
}

/** A failed parse as a ConfigError naming the first bad variable; its message lists every one. */
export function configErrorFrom(error: z.core.$ZodError): ConfigError {
  const [first, ...rest] = error.issues;
  const others = rest.map((issue) => `; ${String(issue.path[0])}: ${issue.message}`).join('');
  return new ConfigError(String(first?.path[0] ?? 'environment'), `${first?.message ?? 'invalid'}${others}`);
}

export type ExecutionConfig = {
  /** Most action or read calls in flight at once for one decision. */
  concurrency: number;
  maxAttempts: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /** Overall budget for one decision; Lambda bounds it further by the invocation's remaining time. */
  deadlineMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long to wait for `creating` to settle after an accept; 0 does not wait. */
  settleTimeoutMs: number;
  settlePollMs: number;
  /** Which HTTP stack calls Huawei Cloud: see lib/huawei/transport.ts. */
  httpClient: 'undici' | 'node';
};

export type HuaweiConfig = {
  /** Undefined when none is configured: any command that calls the API then fails closed. */
  credentials: Credentials | undefined;
  defaultProjectId: string | undefined;
  defaultRegion: string | undefined;
  endpoints: { vpcep: string | undefined; apig: string | undefined };
  /** HUAWEICLOUD_SDK_IAM_ENDPOINT; unset, IAM's global endpoint (lib/estate/access.ts). */
  iamEndpoint?: string | undefined;
};

export type Config = {
  huawei: HuaweiConfig;
  /** Lower-cased `vpcep:<id>` / `apig:<id>` keys; undefined when no allowlist is configured. */
  allowedTargets: ReadonlySet<string> | undefined;
  /** VPCEP_APPROVAL_ESTATE: the accounts and regions targets live in (docs/estate.md). */
  estate?: Estate | undefined;
  execution: ExecutionConfig;
  logLevel: LogLevel;
  /** Things worth telling the operator once, such as which credential won. */
  notices: string[];
};

/** Everything the CLI (and a function that executes decisions) needs. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(EnvSchema.def.shape, env);
  return { ...decisionConfigFrom(e), logLevel: e.VPCEP_APPROVAL_LOG_LEVEL ?? 'info' };
}

/** The parts of Config a function builds from the DecisionEnv variables it parsed with its own. */
export function decisionConfigFrom(e: z.output<typeof EnvSchema>): Omit<Config, 'logLevel'> {
  const notices: string[] = [];
  const estate = e[ESTATE_VARIABLE] === undefined ? undefined : parseEstate(e[ESTATE_VARIABLE]);
  if (estate !== undefined && e.VPCEP_APPROVAL_ALLOWED_TARGETS !== undefined)
    throw new ConfigError(
      'VPCEP_APPROVAL_ALLOWED_TARGETS',
      `must not be set with ${ESTATE_VARIABLE}: the estate says which targets are allowed`,
    );
  return {
    huawei: huaweiFrom(e, notices),
    allowedTargets: allowlistFrom(e.VPCEP_APPROVAL_ALLOWED_TARGETS),
    ...(estate === undefined ? {} : { estate }),
    execution: executionFrom(e),
    notices,
  };
}

type HuaweiVariables = z.output<z.ZodMiniObject<typeof HuaweiEnv>>;
type ExecutionVariables = z.output<z.ZodMiniObject<typeof ExecutionEnv>>;

export function huaweiFrom(e: HuaweiVariables, notices: string[]): HuaweiConfig {
  return {
    credentials: credentialsFrom(e, notices),
    defaultProjectId: e.HUAWEICLOUD_SDK_PROJECT_ID,
    defaultRegion: e.HUAWEICLOUD_REGION,
    endpoints: { vpcep: e.HUAWEICLOUD_VPCEP_ENDPOINT, apig: e.HUAWEICLOUD_APIG_ENDPOINT },
    ...(e.HUAWEICLOUD_SDK_IAM_ENDPOINT === undefined ? {} : { iamEndpoint: e.HUAWEICLOUD_SDK_IAM_ENDPOINT }),
  };
}

export function executionFrom(e: ExecutionVariables): ExecutionConfig {
  if (e.VPCEP_APPROVAL_BACKOFF_MAX_MS < e.VPCEP_APPROVAL_BACKOFF_BASE_MS) {
    throw new ConfigError(
      'VPCEP_APPROVAL_BACKOFF_MAX_MS',
      'must not be below VPCEP_APPROVAL_BACKOFF_BASE_MS',
    );
  }
  return {
    concurrency: e.VPCEP_APPROVAL_CONCURRENCY,
    maxAttempts: e.VPCEP_APPROVAL_MAX_ATTEMPTS,
    requestTimeoutMs: e.VPCEP_APPROVAL_REQUEST_TIMEOUT_MS,
    connectTimeoutMs: e.VPCEP_APPROVAL_CONNECT_TIMEOUT_MS,
    deadlineMs: e.VPCEP_APPROVAL_DEADLINE_MS,
    backoffBaseMs: e.VPCEP_APPROVAL_BACKOFF_BASE_MS,
    backoffMaxMs: e.VPCEP_APPROVAL_BACKOFF_MAX_MS,
    settleTimeoutMs: e.VPCEP_APPROVAL_SETTLE_TIMEOUT_MS,
    settlePollMs: e.VPCEP_APPROVAL_SETTLE_POLL_MS,
    httpClient: e.VPCEP_APPROVAL_HTTP_CLIENT,
  };
}

/** AK/SK wins over a token when both are set: it is Huawei's recommended scheme and does not expire. */
function credentialsFrom(e: HuaweiVariables, notices: string[]): Credentials | undefined {
  const ak = e.HUAWEICLOUD_SDK_AK;
  const sk = e.HUAWEICLOUD_SDK_SK;
  if (ak !== undefined && sk === undefined)
    throw new ConfigError('HUAWEICLOUD_SDK_SK', 'required when HUAWEICLOUD_SDK_AK is set');
  if (sk !== undefined && ak === undefined)
    throw new ConfigError('HUAWEICLOUD_SDK_AK', 'required when HUAWEICLOUD_SDK_SK is set');
  if (ak !== undefined && sk !== undefined) {
    if (e.HUAWEICLOUD_AUTH_TOKEN !== undefined)
      notices.push('HUAWEICLOUD_AUTH_TOKEN is ignored: AK/SK is configured and wins');
    const token = e.HUAWEICLOUD_SDK_SECURITY_TOKEN;
    return token === undefined ? { kind: 'aksk', ak, sk } : { kind: 'aksk', ak, sk, securityToken: token };
  }
  if (e.HUAWEICLOUD_SDK_SECURITY_TOKEN !== undefined) {
    throw new ConfigError(
      'HUAWEICLOUD_SDK_AK',
      'a security token needs the temporary AK and SK it belongs to',
    );
  }
  if (e.HUAWEICLOUD_AUTH_TOKEN !== undefined) return { kind: 'token', token: e.HUAWEICLOUD_AUTH_TOKEN };
  return undefined;
}

/** Unset or `*`: every target (undefined); otherwise the targets listed. `*` stands alone. */
export function allowlistFrom(value: string | undefined): ReadonlySet<string> | undefined {
  if (value === undefined || value === '*') return undefined;
  const keys = new Set<string>();
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const key = parseTargetKey(entry);
    if (key === undefined) {
      throw new ConfigError(
        'VPCEP_APPROVAL_ALLOWED_TARGETS',
        `"${entry}" is not vpcep:<serviceId> or apig:<instanceId>`,
      );
    }
    keys.add(key);
  }
  return keys;
}

/** The credentials, or a ConfigError: fail closed rather than call the API unauthenticated. */
export function requireCredentials(huawei: HuaweiConfig): Credentials {
  if (huawei.credentials !== undefined) return huawei.credentials;
  throw new ConfigError(
    'HUAWEICLOUD_SDK_AK',
    'no Huawei Cloud credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or HUAWEICLOUD_AUTH_TOKEN',
  );
}

/** Every configured credential value, for loggers to cut out of any line. */
export function secretValues(credentials: Credentials | undefined): string[] {
  if (credentials === undefined) return [];
  if (credentials.kind === 'token') return [credentials.token];
  return [
    credentials.ak,
    credentials.sk,
    ...(credentials.securityToken === undefined ? [] : [credentials.securityToken]),
  ];
}
