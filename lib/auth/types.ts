/** Shapes shared by the verifiers. */

/** Headers with lower-cased names, as API Gateway's payload 2.0 delivers them. */
export type Headers = Readonly<Record<string, string | undefined>>;

export type VerifyResult = { ok: true } | { ok: false; reason: string };
