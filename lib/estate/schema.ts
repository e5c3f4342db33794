/**
 * `VPCEP_APPROVAL_ESTATE`: where targets live — accounts (each reached with the functions' own keys or
 * through an agency), their regions, and in each region the targets listed by id or discovered
 * (`vpcep:*`, `apig:*`). Parsed once at startup; every error names its JSON path.
 */
import * as z from 'zod/mini';
import { checkTargetKey, Hex32Schema, RegionSchema, targetKey } from '../decision/schema.ts';
import { ConfigError } from '../errors.ts';

export const ESTATE_VARIABLE = 'VPCEP_APPROVAL_ESTATE';

export type TargetType = 'vpcep' | 'apig';

const TargetEntrySchema = z.string().check(
  z.superRefine((text, ctx) => {
    if (text === 'vpcep:*' || text === 'apig:*') return;
    const checked = checkTargetKey(text);
    if (!checked.ok)
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `must be vpcep:*, apig:*, vpcep:<serviceId> or apig:<instanceId> (${checked.message})`,
      });
  }),
);

const RegionEntrySchema = z.strictObject({
  projectId: z.optional(Hex32Schema),
  /** False: the region's targets are allowed (admission) but not swept. */
  watch: z._default(z.boolean(), true),
  targets: z.array(TargetEntrySchema).check(z.minLength(1, 'must list at least one target')),
});

/** Huawei's agency names: letters, digits, `-`, `_`, `.`, at most 64. */
const AgencySchema = z
  .string()
  .check(z.regex(/^[\w.-]{1,64}$/, 'must be an agency name (1–64 of A-Z a-z 0-9 _ - .)'));

const AccountSchema = z.strictObject({
  domainId: Hex32Schema,
  agency: z.optional(AgencySchema),
  regions: z
    .record(RegionSchema, RegionEntrySchema)
    .check(z.refine((regions) => Object.keys(regions).length > 0, 'must name at least one region')),
});

const EstateSchema = z.strictObject({
  accounts: z
    .record(
      z.string().check(z.regex(/^[a-z0-9][\w-]{0,31}$/i, 'account names are 1–32 of A-Z a-z 0-9 _ -')),
      AccountSchema,
    )
    .check(z.refine((accounts) => Object.keys(accounts).length > 0, 'must name at least one account')),
});

export type EstateAccount = { name: string; domainId: string; agency?: string };

/** One region of one account, as the estate describes it. */
export type EstateRegion = {
  account: EstateAccount;
  region: string;
  projectId?: string;
  watch: boolean;
  /** Lower-cased target keys listed by id. */
  listed: ReadonlySet<string>;
  /** The types whose every target in this region belongs to the estate (`vpcep:*`, `apig:*`). */
  discover: ReadonlySet<TargetType>;
};

export type Estate = {
  accounts: readonly EstateAccount[];
  regions: readonly EstateRegion[];
  /** Where each listed target lives. */
  listed: ReadonlyMap<string, EstateRegion>;
};

/** The estate, or a ConfigError naming the variable and the JSON path of the first problem. */
export function parseEstate(text: string): Estate {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(ESTATE_VARIABLE, `is not JSON (${(error as Error).message})`);
  }
  const parsed = EstateSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new ConfigError(ESTATE_VARIABLE, `${jsonPath(issue?.path ?? [])}: ${issueMessage(issue)}`);
  }
  const accounts: EstateAccount[] = [];
  const regions: EstateRegion[] = [];
  const listed = new Map<string, EstateRegion>();
  const domains = new Map<string, string>();
  for (const [name, entry] of Object.entries(parsed.data.accounts)) {
    const domainId = entry.domainId.toLowerCase();
    const twin = domains.get(domainId);
    if (twin !== undefined)
      throw new ConfigError(
        ESTATE_VARIABLE,
        `accounts.${name}.domainId: the same account as accounts.${twin}`,
      );
    domains.set(domainId, name);
    const account: EstateAccount = {
      name,
      domainId,
      ...(entry.agency === undefined ? {} : { agency: entry.agency }),
    };
    accounts.push(account);
    for (const [region, place] of Object.entries(entry.regions)) {
      const keys = new Set<string>();
      const discover = new Set<TargetType>();
      place.targets.forEach((text, index) => {
        if (text.endsWith(':*')) {
          discover.add(text.slice(0, -2) as TargetType);
          return;
        }
        const checked = checkTargetKey(text);
        if (!checked.ok) return;
        const key = targetKey(checked.target).toLowerCase();
        const other = listed.get(key);
        if (other !== undefined || keys.has(key))
          throw new ConfigError(
            ESTATE_VARIABLE,
            `accounts.${name}.regions.${region}.targets[${index}]: ${key} is listed twice${other === undefined ? '' : ` (also in accounts.${other.account.name}.regions.${other.region})`}`,
          );
        keys.add(key);
      });
      const estateRegion: EstateRegion = {
        account,
        region,
        ...(place.projectId === undefined ? {} : { projectId: place.projectId.toLowerCase() }),
        watch: place.watch,
        listed: keys,
        discover,
      };
      regions.push(estateRegion);
      for (const key of keys) listed.set(key, estateRegion);
    }
  }
  return { accounts, regions, listed };
}

/** zod's own words for an unknown field or a bad key say nothing useful: say which, and why. */
function issueMessage(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_key') return `${String(issue.issues[0]?.message ?? issue.message)}`;
  return issue.message;
}

/** `accounts.payments.regions.cn-east-3.targets[1]`, the way a reader finds it in the JSON. */
function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the estate)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** The region of the estate that holds `account`'s `region`, if any. */
export function estateRegion(estate: Estate, account: string, region: string): EstateRegion | undefined {
  return estate.regions.find((r) => r.account.name === account && r.region === region);
}
