/**
 * Making an outcome fit to leave the system: every configured secret value cut out of its text, and its
 * size bounded so SNS (256 KB a message, attributes included) always takes it. An outcome that cannot be
 * published makes its queue record loop to the dead-letter queue with no outcome at all, so the bound
 * is not optional: `issues` are capped in number and every text in length, saying how much was left out.
 */
import type { Outcome } from './outcome.ts';

/** SNS's limit for a message, body and attributes together. */
export const SNS_MAX_MESSAGE_BYTES = 256 * 1024;
/** The outcome JSON's budget: leaves room for the message attributes (a few hundred bytes at most). */
export const OUTCOME_MAX_BYTES = 240 * 1024;
/** Issues kept in an `invalid` outcome; the rest are counted in `issuesOmitted`. */
export const MAX_ISSUES = 50;
/** Longest issue path or message kept. */
export const MAX_ISSUE_TEXT = 256;
/** Error-message lengths tried in turn until the outcome fits (500 failed endpoints must fit). */
const ERROR_MESSAGE_CAPS = [1024, 256, 64, 0] as const;

export const REDACTED = '[redacted]';

export type FitOptions = {
  /** Secret values (AK, SK, security token, webhook and chat secrets) cut out of every string. */
  secrets?: readonly string[];
  maxBytes?: number;
};

/** The outcome scrubbed of secrets and cut to fit; an outcome that already fits is returned equal. */
export function fitOutcome(outcome: Outcome, options: FitOptions = {}): Outcome {
  // Short values would mask innocent text and are not credentials anyway (as in the logger).
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const maxBytes = options.maxBytes ?? OUTCOME_MAX_BYTES;
  const scrubbed = secrets.length === 0 ? outcome : (scrubStrings(outcome, secrets) as Outcome);
  const capped = capIssues(scrubbed);
  let fitted = capped;
  for (const cap of ERROR_MESSAGE_CAPS) {
    fitted = capErrorMessages(capped, cap);
    if (byteSize(fitted) <= maxBytes) return fitted;
  }
  return fitted;
}

export function byteSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** `text` cut to at most `max` characters, ending with how many were left out. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const longest = ` … [${text.length} characters left out]`.length;
  const kept = Math.max(0, max - longest);
  const omitted = text.length - kept;
  return `${text.slice(0, kept)}${kept === 0 ? '' : ' … '}[${omitted} characters left out]`;
}

function capIssues(outcome: Outcome): Outcome {
  if (outcome.issues === undefined) return outcome;
  const kept = outcome.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: clip(issue.path, MAX_ISSUE_TEXT),
    message: clip(issue.message, MAX_ISSUE_TEXT),
  }));
  const omitted = outcome.issues.length - kept.length + (outcome.issuesOmitted ?? 0);
  const result: Outcome = { ...outcome, issues: kept };
  if (omitted > 0) result.issuesOmitted = omitted;
  return result;
}

function capErrorMessages(outcome: Outcome, max: number): Outcome {
  if (!outcome.results.some((r) => r.error !== undefined && r.error.message.length > max)) return outcome;
  return {
    ...outcome,
    results: outcome.results.map((r) =>
      r.error === undefined ? r : { ...r, error: { ...r.error, message: clip(r.error.message, max) } },
    ),
  };
}

function scrubStrings(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, scrubStrings(inner, secrets)]),
    );
  }
  return value;
}
