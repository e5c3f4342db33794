/** The sweep plan as a person reads it: one section per kind of change, each line one change. */
import type { StepsReport } from '../sweeper/steps.ts';
import type { SweepReport } from '../sweeper/sweep.ts';
import { printable } from './output.ts';

/** What `sweep --dry-run` prints (as JSON when piped). */
export type SweepPlan = Omit<SweepReport, 'waiting'> &
  Omit<StepsReport, 'measures' | 'errors'> & { dryRun: true };

export function planText(plan: SweepPlan): string {
  const sections: Array<[string, string[]]> = [
    ['would decide', plan.decisions.map((d) => `${d.action} ${d.endpointId} on ${d.target} (${d.rule})`)],
    ['would ask people about', plan.requested.map((r) => `${r.endpointId} on ${r.target} (${r.rule})`)],
    [
      'would remind people of',
      plan.reminded.map((r) => `${r.endpointId} on ${r.target} (reminder ${r.reminder})`),
    ],
    [
      'would reconcile (reject)',
      plan.reconciled.map((r) => `${r.endpointId} of ${r.domainId} on ${r.target} (${r.rule})`),
    ],
    [
      'would report as policy violations',
      plan.violations.map((v) => `${v.endpointId} of ${v.domainId} on ${v.target}: ${v.reason}`),
    ],
    [
      'would change the whitelist',
      plan.whitelist.map((w) => `${w.action === 'permit' ? 'add' : 'remove'} ${w.domainId} on ${w.target}`),
    ],
    [
      'would report as drift',
      plan.drift.map((e) => {
        if (!('kind' in e)) return `${e.target}`;
        if (e.kind === 'baseline')
          return `${e.target}: first sweep, adopts ${e.counts.accepted} accepted, ${e.counts.rejected} rejected, ${e.counts.whitelisted} whitelisted`;
        if (e.kind === 'connection') return `${e.endpointId} on ${e.target} now ${e.status}`;
        return `${e.domainId} ${e.status} on ${e.target}'s whitelist`;
      }),
    ],
    [
      'could not',
      [
        ...plan.errors.map((e) => `${e.target}: ${e.code}: ${e.message}`),
        ...plan.problems.map((p) => `${p.target}: ${p.message}`),
      ],
    ],
  ];
  const shown = sections.filter(([, lines]) => lines.length > 0);
  const head = `Sweep plan for ${plan.targets} target${plan.targets === 1 ? '' : 's'} (${plan.pending} pending); nothing was done.`;
  if (shown.length === 0) return `${head}\nNothing would change.\n`;
  return `${[head, ...shown.map(([title, lines]) => `${title}:\n${lines.map((l) => `  ${printable(l)}`).join('\n')}`)].join('\n')}\n`;
}
