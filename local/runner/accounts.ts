// The stage configuration's accounts (the functions' ACCOUNTS) that a local run's scenario stands
// for: on AWS they are written in deploy/stages/<stage>.yaml; locally they follow from the
// scenario's identity world, so the handlers reach exactly the accounts the local services hold.
import { homePrincipalOf, identityOf, type ParsedScenario } from '#local/drs/index.ts';
import { accountRootArn, type IdentityAccount } from '#local/identity/index.ts';
import type { AccountsConfig, StageAccount } from '#shared/accounts/config.ts';

/** The alias of an account the identity world gives none (StageAccount needs one). */
export const fallbackAliasOf = (accountId: string) => `account-${accountId}`;

/**
 * The ACCOUNTS a local run's handlers get for `scenario`:
 * - the scenario's `accountId` is the home account (`home: true`), with the staging accounts
 *   whose `targetAccount` it is;
 * - every other account of the identity world with a role whose trust policy names the principal
 *   the handlers sign as (or its account root) is a target account: that role, its external ID,
 *   the staging accounts targeting it;
 * - every other account (a staging account) gets its `accountId` and alias only.
 * Home and target accounts list the Regions the scenario uses for them (their servers', their
 * staging accounts' servers', `uninitialized:` entries'), the scenario's Region first. Aliases are
 * the identity world's (`account-<ID>` when it gives none).
 *
 * Undefined — no ACCOUNTS, a single-account run — when the scenario declares no `identity:` (the
 * default world's staging account is the local services' fixture, not part of a deployment) or
 * its identity world has no account but the home account.
 *
 * @param functionPrincipalArn the IAM principal the handlers sign as; default the scenario's
 *   home principal (`homePrincipalOf`), what the local runner hands the handlers.
 */
export function accountsOfScenario(scenario: ParsedScenario, functionPrincipalArn?: string): AccountsConfig | undefined {
  if (scenario.identity === undefined) return undefined;
  const identity = identityOf(scenario);
  const home = scenario.accountId;
  if (identity.accounts.every((account) => account.id === home)) return undefined;
  const signer = functionPrincipalArn ?? homePrincipalOf(identity, home)?.arn;
  const aliasOf = (accountId: string) => identity.accounts.find((account) => account.id === accountId)?.alias ?? fallbackAliasOf(accountId);

  const stagingAccountsOf = (accountId: string): Pick<StageAccount, 'stagingAccounts'> => {
    const staging = [...new Set(scenario.stagingAccounts.filter((s) => s.targetAccount === accountId).map((s) => aliasOf(s.accountId)))];
    return staging.length > 0 ? { stagingAccounts: staging } : {};
  };
  const regionsOf = (accountId: string): string[] => {
    const stagingIds = new Set(scenario.stagingAccounts.filter((s) => s.targetAccount === accountId).map((s) => s.accountId));
    const used = [
      scenario.region,
      ...scenario.sourceServers.filter((server) => server.account === accountId || stagingIds.has(server.account!)).map((server) => server.region!),
      ...scenario.uninitialized.filter((entry) => entry.account === accountId && entry.region !== undefined).map((entry) => entry.region!),
    ];
    return [...new Set(used)];
  };
  const trustsSigner = (account: IdentityAccount) =>
    signer === undefined
      ? undefined
      : account.roles.find((role) => role.trust.principals.some((principal) => principal === signer || principal === accountRootArn(home)));

  const homeAccount: StageAccount = { alias: aliasOf(home), accountId: home, home: true, regions: regionsOf(home), ...stagingAccountsOf(home) };
  const others = identity.accounts
    .filter((account) => account.id !== home)
    .map((account): StageAccount => {
      const role = trustsSigner(account);
      if (role === undefined) return { alias: aliasOf(account.id), accountId: account.id };
      return {
        alias: aliasOf(account.id),
        accountId: account.id,
        regions: regionsOf(account.id),
        roleArn: role.arn,
        ...(role.trust.externalId === undefined ? {} : { externalId: role.trust.externalId }),
        ...stagingAccountsOf(account.id),
      };
    });
  return [homeAccount, ...others];
}

/**
 * The ACCOUNTS environment value of a run: `override` when given (`null`: none; a string as is,
 * so a test can hand over malformed JSON; anything else JSON-encoded), else the derived accounts.
 */
export function accountsEnvironmentValue(derived: AccountsConfig | undefined, override?: unknown): string | undefined {
  if (override === undefined) return derived === undefined ? undefined : JSON.stringify(derived);
  if (override === null) return undefined;
  return typeof override === 'string' ? override : JSON.stringify(override);
}
