/**
 * A decision file's mistakes, said for the person who wrote it: where a JSON syntax error is (line and
 * column, counted from 1), "required" for a missing field (the schema's own message names the shape
 * it wants, which reads wrong when nothing was given), and the known field an unknown one resembles.
 */

import {
  type AnyDecision,
  ApigTargetSchema,
  ConnectionDecisionSchema,
  parseDecision,
  SourceSchema,
  VpcepTargetSchema,
  WhitelistDecisionSchema,
} from '../decision/schema.ts';
import type { FieldIssue } from '../errors.ts';
import { didYouMean } from './suggest.ts';

export type JsonText = { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] };

/** JSON.parse, with a syntax error reported as a field issue at its line and column. */
export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    // Node 20 and 24 word it differently; both give "at position N" except at the end of input.
    const position = /at position (\d+)/.exec(message);
    const offset = position === null ? text.length : Number(position[1]);
    const reason = message
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/ \(line \d+ column \d+\)$/, '');
    const { line, column } = lineAndColumn(text, offset);
    return {
      ok: false,
      issues: [{ path: '', message: `not valid JSON: line ${line}, column ${column}: ${reason}` }],
    };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** parseDecision for a person: JSON text in, issues explained. */
export function parseDecisionText(text: string): { ok: true; decision: AnyDecision } | JsonRefusal {
  const json = parseJsonText(text);
  if (!json.ok) return { ok: false, input: undefined, issues: json.issues };
  const parsed = parseDecision(json.value);
  if (parsed.ok) return parsed;
  return { ok: false, input: json.value, issues: explainIssues(json.value, parsed.issues) };
}

export type JsonRefusal = { ok: false; input: unknown; issues: FieldIssue[] };

/** The schema's issues, reworded where the input says more: missing, or a near miss of a known key. */
export function explainIssues(input: unknown, issues: readonly FieldIssue[]): FieldIssue[] {
  return issues.map((issue) => {
    if (issue.message === 'unknown field') {
      const { parent, key } = splitPath(issue.path);
      return { path: issue.path, message: `unknown field${didYouMean(key, knownKeys(input, parent))}` };
    }
    if (issue.path !== '' && valueAt(input, issue.path) === undefined && issue.message !== 'required')
      return { path: issue.path, message: 'required' };
    return issue;
  });
}

/** The keys the schema knows at `parent` (`''`, `target`, `source`). */
function knownKeys(input: unknown, parent: string): string[] {
  if (parent === '') {
    const action = valueAt(input, 'action');
    const schema =
      action === 'permit' || action === 'revoke' ? WhitelistDecisionSchema : ConnectionDecisionSchema;
    return Object.keys(schema.shape);
  }
  if (parent === 'source') return Object.keys(SourceSchema.shape);
  if (parent === 'target') {
    const type = valueAt(input, 'target.type');
    if (type === 'vpcep') return Object.keys(VpcepTargetSchema.shape);
    if (type === 'apig') return Object.keys(ApigTargetSchema.shape);
    return [...new Set([...Object.keys(VpcepTargetSchema.shape), ...Object.keys(ApigTargetSchema.shape)])];
  }
  return [];
}

/** `target.serviceId` → `target` and `serviceId`; `endpoints[0]` has no key to suggest for. */
function splitPath(path: string): { parent: string; key: string } {
  const dot = path.lastIndexOf('.');
  return dot === -1 ? { parent: '', key: path } : { parent: path.slice(0, dot), key: path.slice(dot + 1) };
}

/** The value at a path as toFieldIssues writes it (`a.b[2].c`); undefined where there is none. */
function valueAt(input: unknown, path: string): unknown {
  const steps = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let value: unknown = input;
  for (const step of steps) {
    const key = step.startsWith('[') ? step.slice(1, -1) : step;
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
