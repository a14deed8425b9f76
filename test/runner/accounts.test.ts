// The ACCOUNTS a local run hands the handlers, derived from the scenario's identity world: the
// home account, the target accounts whose role trusts the function role, the staging accounts.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultScenarioPath, generateScenario, generatedTargetAccountId, loadScenario, parseScenario, type Scenario } from '#local/drs/index.ts';
import { defaultIdentity, DEFAULT_FUNCTION_ROLE_ARN } from '#local/identity/index.ts';
import { accountsEnvironmentValue, accountsOfScenario } from '#local/runner/accounts.ts';
import { AccountsConfig } from '#shared/accounts/config.ts';

const SHIPPED_SCENARIO = fileURLToPath(new URL('../../scenarios/multi-account.yaml', import.meta.url));
const HOME = '111122223333';
const [recoveryAccount] = defaultIdentity.accounts;

/** A scenario of the home account (the default world's function role) and `accounts`. */
const withAccounts = (accounts: NonNullable<typeof defaultIdentity.accounts>, rest: Partial<Scenario> = {}) =>
  parseScenario({ identity: { accounts: [recoveryAccount!, ...accounts] }, ...rest });

describe('accountsOfScenario', () => {
  it('makes the shipped multi-account scenario a home account, a target account with its role and external ID, and three staging accounts', async () => {
    const accounts = accountsOfScenario(await loadScenario(SHIPPED_SCENARIO));

    expect(accounts).toEqual([
      { alias: 'recovery', accountId: HOME, home: true, regions: ['us-east-1'], stagingAccounts: ['staging-a', 'staging-b'] },
      {
        alias: 'target-b',
        accountId: '222233334444',
        regions: ['us-east-1'],
        roleArn: 'arn:aws:iam::222233334444:role/drs-orchestrator-access',
        externalId: 'drs-orchestrator-local',
        stagingAccounts: ['staging-c'],
      },
      { alias: 'staging-a', accountId: '444455556666' },
      { alias: 'staging-b', accountId: '777788889999' },
      { alias: 'staging-c', accountId: '333344445555' },
    ]);
    expect(AccountsConfig.safeParse(accounts).success).toBe(true);
  });

  it('gives a single-account scenario no accounts: one that declares only its own account, or no identity at all (the default world)', async () => {
    expect(accountsOfScenario(parseScenario({ identity: { accounts: [recoveryAccount!] } }))).toBeUndefined();
    expect(accountsOfScenario(await loadScenario(defaultScenarioPath))).toBeUndefined();
  });

  it('lists a target account\'s Regions as the scenario uses them, its own Region first: its servers, its staging accounts\' servers, its uninitialized Regions', () => {
    const scenario = withAccounts(
      [
        { id: '222233334444', alias: 'target-b', roles: [{ arn: 'arn:aws:iam::222233334444:role/dr', trust: { principals: [DEFAULT_FUNCTION_ROLE_ARN] } }] },
        { id: '333344445555', alias: 'staging-c' },
      ],
      {
        region: 'eu-west-1',
        sourceServers: [
          { hostname: 'web-1', account: 'target-b', region: 'eu-central-1' },
          { hostname: 'web-2', account: 'staging-c', region: 'eu-north-1' },
        ],
        stagingAccounts: [{ accountId: '333344445555', targetAccount: 'target-b' }],
        uninitialized: [{ account: 'target-b', region: 'eu-south-1' }],
      },
    );

    const target = accountsOfScenario(scenario)!.find((account) => account.alias === 'target-b');

    expect(target?.regions).toEqual(['eu-west-1', 'eu-central-1', 'eu-north-1', 'eu-south-1']);
  });

  it('makes an account whose role trusts the home account root a target, one whose role trusts someone else a staging-only entry, and names an alias-less account by its ID', () => {
    const scenario = withAccounts([
      { id: '222233334444', alias: 'via-root', roles: [{ arn: 'arn:aws:iam::222233334444:role/dr', trust: { principals: [`arn:aws:iam::${HOME}:root`] } }] },
      { id: '555566667777', alias: 'elsewhere', roles: [{ arn: 'arn:aws:iam::555566667777:role/dr', trust: { principals: ['arn:aws:iam::999988887777:root'] } }] },
      { id: '888899990000' },
    ]);

    const accounts = accountsOfScenario(scenario);

    expect(accounts?.slice(1)).toEqual([
      { alias: 'via-root', accountId: '222233334444', regions: ['us-east-1'], roleArn: 'arn:aws:iam::222233334444:role/dr' },
      { alias: 'elsewhere', accountId: '555566667777' },
      { alias: 'account-888899990000', accountId: '888899990000' },
    ]);
    expect(AccountsConfig.safeParse(accounts).success).toBe(true);
  });

  it('never meets an alias StageAccount would refuse: the scenario refuses it first', () => {
    expect(() => withAccounts([{ id: '222233334444', alias: 'Target_B' }])).toThrow(/identity\.accounts\.1\.alias: an account alias is 3-63 lower-case letters, digits and hyphens/);
  });

  it('judges trust by the principal the handlers sign as', async () => {
    const accounts = accountsOfScenario(await loadScenario(SHIPPED_SCENARIO), `arn:aws:iam::${HOME}:user/operator`);

    expect(accounts?.find((account) => account.alias === 'target-b')).toEqual({ alias: 'target-b', accountId: '222233334444' });
  });

  it('describes a generated estate of two target accounts with ten staging accounts each', () => {
    const accounts = accountsOfScenario(parseScenario(generateScenario({ servers: 6000, targets: 2, externalId: 'bench-external-id' })))!;
    const targets = accounts.filter((account) => account.roleArn !== undefined);

    expect(targets.map((account) => [account.accountId, account.externalId, account.stagingAccounts?.length])).toEqual([
      [generatedTargetAccountId(1), 'bench-external-id', 10],
      [generatedTargetAccountId(2), 'bench-external-id', 10],
    ]);
    expect(accounts[0]).toEqual({ alias: 'recovery', accountId: HOME, home: true, regions: ['us-east-1'] });
    expect(AccountsConfig.safeParse(accounts).success).toBe(true);
  });
});

describe('accountsEnvironmentValue', () => {
  const derived = [{ alias: 'recovery', home: true }];

  it('encodes the derived accounts unless a caller overrides them: null for none, a string as is, anything else as JSON', () => {
    expect(accountsEnvironmentValue(derived)).toBe('[{"alias":"recovery","home":true}]');
    expect(accountsEnvironmentValue(undefined)).toBeUndefined();
    expect(accountsEnvironmentValue(derived, null)).toBeUndefined();
    expect(accountsEnvironmentValue(derived, '[{not json')).toBe('[{not json');
    expect(accountsEnvironmentValue(undefined, [{ alias: 'x', roleArn: 'arn:aws:iam::222233334444:role/missing' }])).toBe(
      '[{"alias":"x","roleArn":"arn:aws:iam::222233334444:role/missing"}]',
    );
  });
});
