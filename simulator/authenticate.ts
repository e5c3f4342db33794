/** How the simulated gateway authenticates: an IAM token, or an AK/SK signature checked like the cloud. */
import {
  buildCanonicalRequest,
  buildStringToSign,
  expectedSignature,
  parseAuthorization,
  parseSdkDate,
  type ReceivedRequest,
  signaturesEqual,
} from './verify.ts';

export type SimCredential = {
  ak: string;
  sk: string;
  securityToken?: string;
  /** The account the keys belong to: its projects answer only its keys. Unset: keys of no account. */
  domainId?: string;
  /** Temporary keys (an agency's) stop working at this time (epoch ms). */
  expiresAt?: number;
};

export type AuthOptions = {
  credentials: readonly SimCredential[] | (() => readonly SimCredential[]);
  tokens: readonly string[];
  clock: () => Date;
};

export type AuthVerdict =
  | { ok: true; credential?: SimCredential }
  | { ok: false; status: number; code: string; message: string };

const SKEW_MS = 15 * 60 * 1000;

function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const deny = (message: string): AuthVerdict => ({ ok: false, status: 401, code: 'APIGW.0301', message });

export function authenticate(request: ReceivedRequest, options: AuthOptions): AuthVerdict {
  const token = header(request, 'x-auth-token');
  if (token !== undefined)
    return options.tokens.includes(token)
      ? { ok: true }
      : deny('Incorrect IAM authentication information: token invalid');
  const auth = parseAuthorization(header(request, 'authorization'));
  if (auth === undefined)
    return deny('Incorrect IAM authentication information: Authorization header missing or malformed');
  const known = typeof options.credentials === 'function' ? options.credentials() : options.credentials;
  const credential = known.find((c) => c.ak === auth.access);
  if (credential === undefined) return deny('Incorrect IAM authentication information: AK not found');
  if (credential.expiresAt !== undefined && options.clock().getTime() >= credential.expiresAt)
    return deny('Incorrect IAM authentication information: the security token has expired');
  for (const required of ['host', 'x-sdk-date']) {
    if (!auth.signedHeaders.includes(required))
      return deny(`Incorrect IAM authentication information: ${required} must be signed`);
  }
  const date = parseSdkDate(header(request, 'x-sdk-date'));
  if (date === undefined) return deny('Incorrect IAM authentication information: x-sdk-date is malformed');
  if (Math.abs(options.clock().getTime() - date.getTime()) > SKEW_MS) {
    return deny('Incorrect IAM authentication information: x-sdk-date is more than 15 minutes off');
  }
  if (credential.securityToken !== undefined) {
    if (
      !auth.signedHeaders.includes('x-security-token') ||
      header(request, 'x-security-token') !== credential.securityToken
    ) {
      return deny('Incorrect IAM authentication information: security token missing, unsigned or wrong');
    }
  }
  const canonical = buildCanonicalRequest(request, auth.signedHeaders);
  const expected = expectedSignature(
    credential.sk,
    buildStringToSign(header(request, 'x-sdk-date') as string, canonical),
  );
  if (!signaturesEqual(expected, auth.signature)) {
    // As the real gateway does, say what was computed, with "|" for newlines: it holds no secret.
    return deny(
      `Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: ${canonical.replaceAll('\n', '|')}`,
    );
  }
  return { ok: true, credential };
}
