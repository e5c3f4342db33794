/**
 * Configuration, read from the environment once by each entry point and passed down. Nothing else in
 * lib/ reads process.env. A bad or missing variable is named in the error.
 */
import * as z from 'zod/mini';
import { Hex32Schema, RegionSchema } from './decision/schema.ts';
import { ConfigError } from './errors.ts';
import type { Credentials } from './huawei/client.ts';
import { parseTargetKey } from './policy.ts';

const text = z.optional(z.string());
const baseUrl = z.optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) base URL' }));
const int = (fallback: number, min: number, max: number) =>
  z._default(
    z.coerce.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(min), z.lte(max)),
    fallback,
  );

const EnvSchema = z.object({
  HUAWEICLOUD_SDK_AK: text,
  HUAWEICLOUD_SDK_SK: text,
  HUAWEICLOUD_SDK_SECURITY_TOKEN: text,
  HUAWEICLOUD_AUTH_TOKEN: text,
  HUAWEICLOUD_SDK_PROJECT_ID: z.optional(Hex32Schema),
  HUAWEICLOUD_REGION: z.optional(RegionSchema),
  HUAWEICLOUD_VPCEP_ENDPOINT: baseUrl,
  HUAWEICLOUD_APIG_ENDPOINT: baseUrl,
  VPCEP_APPROVAL_ALLOWED_TARGETS: text,
  VPCEP_APPROVAL_CONCURRENCY: int(16, 1, 100),
  VPCEP_APPROVAL_MAX_ATTEMPTS: int(4, 1, 10),
  VPCEP_APPROVAL_REQUEST_TIMEOUT_MS: int(5_000, 100, 60_000),
  VPCEP_APPROVAL_CONNECT_TIMEOUT_MS: int(3_000, 100, 30_000),
  VPCEP_APPROVAL_DEADLINE_MS: int(60_000, 1_000, 900_000),
  VPCEP_APPROVAL_BACKOFF_BASE_MS: int(200, 1, 10_000),
  VPCEP_APPROVAL_BACKOFF_MAX_MS: int(5_000, 1, 60_000),
  VPCEP_APPROVAL_SETTLE_TIMEOUT_MS: int(30_000, 0, 600_000),
  VPCEP_APPROVAL_SETTLE_POLL_MS: int(1_000, 10, 60_000),
  VPCEP_APPROVAL_LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  VPCEP_APPROVAL_HTTP_CLIENT: z._default(z.enum(['undici', 'node'], 'must be undici or node'), 'undici'),
});

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

/** The first problem of a failed parse as a ConfigError naming the variable. */
export function configErrorFrom(error: z.core.$ZodError): ConfigError {
  const issue = error.issues[0];
  return new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid');
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
};

export type Config = {
  huawei: HuaweiConfig;
  /** Lower-cased `vpcep:<id>` / `apig:<id>` keys; undefined when no allowlist is configured. */
  allowedTargets: ReadonlySet<string> | undefined;
  execution: ExecutionConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Things worth telling the operator once, such as which credential won. */
  notices: string[];
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(presentValues(env));
  if (!parsed.success) throw configErrorFrom(parsed.error);
  const e = parsed.data;
  const notices: string[] = [];
  if (e.VPCEP_APPROVAL_BACKOFF_MAX_MS < e.VPCEP_APPROVAL_BACKOFF_BASE_MS) {
    throw new ConfigError(
      'VPCEP_APPROVAL_BACKOFF_MAX_MS',
      'must not be below VPCEP_APPROVAL_BACKOFF_BASE_MS',
    );
  }
  return {
    huawei: {
      credentials: credentialsFrom(e, notices),
      defaultProjectId: e.HUAWEICLOUD_SDK_PROJECT_ID,
      defaultRegion: e.HUAWEICLOUD_REGION,
      endpoints: { vpcep: e.HUAWEICLOUD_VPCEP_ENDPOINT, apig: e.HUAWEICLOUD_APIG_ENDPOINT },
    },
    allowedTargets: allowlistFrom(e.VPCEP_APPROVAL_ALLOWED_TARGETS),
    execution: {
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
    },
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    notices,
  };
}

type ParsedEnv = z.output<typeof EnvSchema>;

/** AK/SK wins over a token when both are set: it is Huawei's recommended scheme and does not expire. */
function credentialsFrom(e: ParsedEnv, notices: string[]): Credentials | undefined {
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
function allowlistFrom(value: string | undefined): ReadonlySet<string> | undefined {
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
