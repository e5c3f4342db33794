/**
 * Admission, the one path every entry point takes before anything is queued or called: parse the
 * decision, resolve its target's project and region, apply policy. The webhook, the chat functions,
 * the CLI and the executor all use it, so `validate`, a queued decision and an executed one are judged
 * alike.
 */
import type { HuaweiConfig } from '../config.ts';
import type { FieldIssue } from '../errors.ts';
import type { Estate } from '../estate/schema.ts';
import { estateVerdict } from '../estate/verdict.ts';
import type { ApiTarget } from '../huawei/connections.ts';
import { checkPolicy } from '../policy.ts';
import { deniedOutcome, invalidOutcome, type Outcome, type ResolvedTarget } from './outcome.ts';
import { type AnyDecision, parseDecision, parseDecisionJson } from './schema.ts';
import { resolveTarget } from './target.ts';

export type AdmissionContext = {
  huawei: HuaweiConfig;
  /** Lower-cased target keys; undefined allows every target. */
  allowedTargets: ReadonlySet<string> | undefined;
  /**
   * VPCEP_APPROVAL_ESTATE: it, not the allowlist, says which targets are allowed, and where each is.
   * A decision on an estate runs through lib/estate/execute.ts, which places it first.
   */
  estate?: Estate | undefined;
};

export type Admitted = { ok: true; decision: AnyDecision; resolved: ResolvedTarget; api: ApiTarget };
export type Refused =
  /** Not a decision, or its target cannot be located: `input` is what was given, for the outcome's id. */
  | { ok: false; kind: 'invalid'; input: unknown; issues: FieldIssue[] }
  | { ok: false; kind: 'denied'; decision: AnyDecision; denial: { code: string; message: string } };
export type Admission = Admitted | Refused;
/**
 * What the entry points that only queue a decision need: admitted as far as can be told without a
 * call. With an estate, a target it lists, or one a region of it may discover, passes; where it is
 * exactly is settled when the decision runs.
 */
export type Acceptance = { ok: true; decision: AnyDecision } | Refused;

/** Admits a parsed decision: resolve the target, then policy. */
export function admitDecision(decision: AnyDecision, context: AdmissionContext): Admission {
  if (context.estate !== undefined) {
    // Fail closed: an estate's target is placed (account, region, project) before it is run, never
    // resolved from the functions' own defaults.
    return {
      ok: false,
      kind: 'denied',
      decision,
      denial: {
        code: 'TARGET_NOT_IN_ESTATE',
        message: 'a decision on an estate must be placed in it before it runs',
      },
    };
  }
  const resolution = resolveTarget(decision.target, context.huawei);
  if (!resolution.ok) return { ok: false, kind: 'invalid', input: decision, issues: resolution.issues };
  const verdict = checkPolicy(decision, context.allowedTargets);
  if (!verdict.allowed) {
    return {
      ok: false,
      kind: 'denied',
      decision,
      denial: { code: verdict.code, message: verdict.message },
    };
  }
  return { ok: true, decision, resolved: resolution.resolved, api: resolution.api };
}

/** Admits anything (a chat command's product, parsed JSON): parse, then admit what can be told now. */
export function admit(input: unknown, context: AdmissionContext): Acceptance {
  const parsed = parseDecision(input);
  if (!parsed.ok) return { ok: false, kind: 'invalid', input, issues: parsed.issues };
  return accept(parsed.decision, context);
}

/** Admits JSON text (a webhook body, a file): a syntax error is reported like any field error. */
export function admitJson(text: string, context: AdmissionContext): Acceptance {
  const parsed = parseDecisionJson(text);
  if (!parsed.ok) return { ok: false, kind: 'invalid', input: safeJson(text), issues: parsed.issues };
  return accept(parsed.decision, context);
}

function accept(decision: AnyDecision, context: AdmissionContext): Acceptance {
  if (context.estate === undefined) return admitDecision(decision, context);
  const verdict = estateVerdict(context.estate, decision.target);
  if (verdict.allowed) return { ok: true, decision };
  return { ok: false, kind: 'denied', decision, denial: { code: verdict.code, message: verdict.message } };
}

/** The outcome of a refused decision: `invalid` or `denied`, with no call made. */
export function refusedOutcome(refusal: Refused, at: Date): Outcome {
  return refusal.kind === 'invalid'
    ? invalidOutcome(refusal.input, refusal.issues, at)
    : deniedOutcome(refusal.decision, refusal.denial, at);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
