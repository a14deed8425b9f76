// The accounts a deployment may recover into and extend servers from: the stage configuration's
// `accounts:` (deploy/stages/<stage>.yaml), handed to the functions as the ACCOUNTS environment
// variable (JSON). DRS replicates at most 300 source servers per account and Region, so larger
// estates replicate in staging accounts and recover in one or more target accounts; plans name
// those accounts by alias, the configuration says how to reach them.
import * as z from 'zod/mini';
import { HOME_ALIAS, type Scope } from './scope.ts';

export { HOME_ALIAS, type Scope, scopeKey } from './scope.ts';

const ACCOUNT_ID = /^\d{12}$/;
/** IAM account alias rules: 3-63 lower-case letters, digits and hyphens. */
const alias = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'an account alias is 3-63 lower-case letters, digits and hyphens, e.g. target-b'));
const accountId = z.string().check(z.regex(ACCOUNT_ID, 'an account ID is 12 digits; quote it in YAML: "222233334444"'));
const region = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region looks like us-east-1'));
const roleArn = z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'a role ARN looks like arn:aws:iam::222233334444:role/drs-orchestrator-access'));
// STS's externalIdType: 2-1224 characters.
const externalId = z.string().check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, 'an external ID is 2-1224 characters of letters, digits and +=,.@:/_-'));

export const StageAccount = z.strictObject({
  alias: alias.check(z.describe('The name plans use for the account (`account:` of a wave or a server selector).')),
  accountId: z.optional(accountId).check(z.describe('The 12-digit account ID (optional for the home account).')),
  home: z
    .optional(z.boolean())
    .check(z.describe('The account the orchestrator runs in: reached with the functions\' own role, no AssumeRole.')),
  regions: z
    .optional(z.array(region).check(z.minLength(1)))
    .check(z.describe('The Regions the orchestrator may use in the account; the first is the default (default: the deployment\'s Region).')),
  roleArn: z
    .optional(roleArn)
    .check(z.describe('The role the orchestrator assumes to recover in the account (deploy/member-account-role.yaml); none for a staging-only account.')),
  externalId: z.optional(externalId).check(z.describe('The external ID the role\'s trust policy requires (sts:ExternalId).')),
  stagingAccounts: z
    .optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1)))
    .check(z.describe('Staging accounts (aliases or IDs) whose source servers the run extends into this account before the wave that needs them; none: the run recovers only servers already in the account.')),
});
export type StageAccount = z.infer<typeof StageAccount>;

export const AccountsConfig = z.array(StageAccount).check(
  z.superRefine((accounts, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const aliases = new Map<string, number>();
    const ids = new Map<string, number>();
    let home: number | undefined;
    accounts.forEach((account, index) => {
      const earlier = aliases.get(account.alias);
      if (earlier !== undefined) problem([index, 'alias'], `alias "${account.alias}" is already used by accounts[${earlier}]; give each account its own alias`);
      aliases.set(account.alias, index);
      if (account.accountId !== undefined) {
        const other = ids.get(account.accountId);
        if (other !== undefined) problem([index, 'accountId'], `account ${account.accountId} is already declared as accounts[${other}]; declare each account once`);
        ids.set(account.accountId, index);
      }
      if (account.home === true) {
        if (home !== undefined) problem([index, 'home'], `accounts[${home}] is already the home account; only one account runs the orchestrator`);
        home = index;
        if (account.roleArn !== undefined) problem([index, 'roleArn'], 'the home account is reached with the functions\' own role: remove roleArn');
      } else if (account.accountId === undefined) {
        problem([index, 'accountId'], `account "${account.alias}" needs its accountId (only the home account may leave it out)`);
      }
      if (account.roleArn !== undefined && account.accountId !== undefined && !account.roleArn.includes(`::${account.accountId}:`)) {
        problem([index, 'roleArn'], `role ${account.roleArn} is not in account ${account.accountId}: the orchestrator assumes a role of the account it recovers in`);
      }
      if (account.externalId !== undefined && account.roleArn === undefined) problem([index, 'externalId'], 'an external ID goes with a roleArn: add the role or remove externalId');
    });
    accounts.forEach((account, index) => {
      account.stagingAccounts?.forEach((staging, s) => {
        if (!ACCOUNT_ID.test(staging) && !aliases.has(staging)) {
          problem([index, 'stagingAccounts', s], `"${staging}" is neither a 12-digit account ID nor the alias of a declared account (${[...aliases.keys()].join(', ')})`);
        }
      });
    });
  }),
);
export type AccountsConfig = z.infer<typeof AccountsConfig>;

/** The home account's alias: the configured one, else `home`. */
export function homeAlias(accounts: AccountsConfig): string {
  return accounts.find((account) => account.home === true)?.alias ?? HOME_ALIAS;
}

/** Whether an account of the configuration can be recovered in: the home account, or one with a role. */
export function isTargetAccount(account: StageAccount): boolean {
  return account.home === true || account.roleArn !== undefined;
}

/**
 * The scope a selector's `account`/`region` name, or the problem with them (for the plan's error
 * message): the account must be a target account of the configuration and the Region one of its.
 */
export function resolveScope(accounts: AccountsConfig, homeRegion: string, named: { account?: string; region?: string }): Scope | string {
  const wanted = named.account ?? homeAlias(accounts);
  const account = accounts.find((candidate) => candidate.alias === wanted || candidate.accountId === wanted);
  if (account === undefined) {
    if (named.account === undefined || named.account === HOME_ALIAS) return { account: HOME_ALIAS, region: named.region ?? homeRegion };
    const known = accounts.filter(isTargetAccount).map((candidate) => candidate.alias);
    return `account "${wanted}" is not in the stage configuration's accounts${known.length > 0 ? ` (target accounts: ${known.join(', ')})` : ' (it declares none)'}: add it under accounts: in deploy/stages/<stage>.yaml`;
  }
  if (!isTargetAccount(account)) {
    return `account "${account.alias}" has no roleArn in the stage configuration: the orchestrator cannot recover there (a staging account's servers are recovered through the target account that extends them)`;
  }
  const regions = account.regions ?? [homeRegion];
  const chosen = named.region ?? regions[0];
  if (!regions.includes(chosen)) return `region ${chosen} is not one of account "${account.alias}"'s Regions (${regions.join(', ')}) in the stage configuration`;
  return { account: account.alias, region: chosen };
}

/** The configured account of a scope (undefined: the home account without an entry). */
export function accountOf(accounts: AccountsConfig, scope: Scope): StageAccount | undefined {
  return accounts.find((account) => account.alias === scope.account);
}

/** The staging account IDs a target account's configuration names (aliases resolved). */
export function stagingAccountIDsOf(accounts: AccountsConfig, account: StageAccount | undefined): string[] | undefined {
  return account?.stagingAccounts?.map((staging) => accounts.find((candidate) => candidate.alias === staging)?.accountId ?? staging);
}


/**
 * Every account and Region runs of this deployment may recover in: the home account (in the
 * Regions its entry lists, else the deployment's) and each account with a role, in each of its
 * Regions. What the orphan sweeper looks through.
 */
export function recoveryScopes(accounts: AccountsConfig, homeRegion: string): Scope[] {
  const home = accounts.find((account) => account.home === true);
  const others = accounts.filter((account) => account.home !== true && isTargetAccount(account));
  return [
    ...(home?.regions ?? [homeRegion]).map((region) => ({ account: homeAlias(accounts), region })),
    ...others.flatMap((account) => (account.regions ?? [homeRegion]).map((region) => ({ account: account.alias, region }))),
  ];
}
