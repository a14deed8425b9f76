// The generator's multi-account estates: servers spread over target accounts, each with its own
// staging accounts (at most 300 replicating servers per account and Region), each target account
// with a role the home account's function role may assume.
import { afterEach, describe, expect, it } from 'vitest';
import { ListExtensibleSourceServersCommand } from '@aws-sdk/client-drs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { DEFAULT_FUNCTION_ROLE_ARN } from '#local/identity/index.ts';
import { generateScenario, generatedStagingAccountId, generatedTargetAccountId, generatedTargetRoleArn, parseScenario, startLocalDrs, type LocalDrs } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { startLocalSts, type LocalSts } from '#local/sts/index.ts';
import { stsClientFor } from '#local/sts/client.ts';

const HOME = '111122223333';

/** Servers per account, as the parsed scenario places them. */
function serversPerAccount(scenario: ReturnType<typeof parseScenario>, extended: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const server of scenario.sourceServers) {
    if ((server.stagingAccountId !== undefined) !== extended) continue;
    counts.set(server.account!, (counts.get(server.account!) ?? 0) + 1);
  }
  return counts;
}

describe('generated multi-account estates', () => {
  it('spreads 6,000 servers over two target accounts, each extending 3,000 from its own ten staging accounts', () => {
    const generated = parseScenario(generateScenario({ servers: 6000, targets: 2, externalId: 'bench-external-id' }));
    const [target1, target2] = [generatedTargetAccountId(1), generatedTargetAccountId(2)];

    const replicating = serversPerAccount(generated, false);
    const extended = serversPerAccount(generated, true);
    const stagingOf = (target: string) => generated.stagingAccounts.filter((s) => s.targetAccount === target).map((s) => s.accountId);
    const accounts = (generated.identity as { accounts: { id: string; alias?: string; roles?: unknown[] }[] }).accounts;

    expect(Object.fromEntries(extended)).toEqual({ [target1]: 3000, [target2]: 3000 });
    expect([...replicating.values()]).toEqual(Array(20).fill(300));
    expect(replicating.has(HOME)).toBe(false);
    expect(stagingOf(target1)).toEqual(Array.from({ length: 10 }, (_, i) => generatedStagingAccountId(i + 1)));
    expect(stagingOf(target2)).toEqual(Array.from({ length: 10 }, (_, i) => generatedStagingAccountId(i + 11)));
    expect(accounts.map((a) => a.alias)).toEqual(['recovery', 'target-1', 'target-2', ...Array.from({ length: 20 }, (_, i) => `staging-${String(i + 1).padStart(2, '0')}`)]);
    expect(accounts[1]!.roles).toEqual([{ arn: generatedTargetRoleArn(target1), trust: { principals: [DEFAULT_FUNCTION_ROLE_ARN], externalId: 'bench-external-id' } }]);
  });

  it('recovers 3,000 servers from ten staging accounts into one target account other than the home account', () => {
    const generated = parseScenario(generateScenario({ servers: 3000, stagingAccounts: 10, targets: 1 }));

    expect(Object.fromEntries(serversPerAccount(generated, true))).toEqual({ [generatedTargetAccountId(1)]: 3000 });
    expect([...serversPerAccount(generated, false).values()]).toEqual(Array(10).fill(300));
    expect(new Set(generated.stagingAccounts.map((s) => s.targetAccount))).toEqual(new Set([generatedTargetAccountId(1)]));
  });

  it('lets target accounts of at most 300 servers each replicate them directly, without staging accounts', () => {
    const generated = parseScenario(generateScenario({ servers: 500, targets: 2 }));

    expect(Object.fromEntries(serversPerAccount(generated, false))).toEqual({ [generatedTargetAccountId(1)]: 250, [generatedTargetAccountId(2)]: 250 });
    expect(generated.stagingAccounts).toEqual([]);
  });

  it('refuses too few staging accounts for a target account, naming it', () => {
    expect(() => generateScenario({ servers: 3000, targets: 2, stagingAccounts: 4 })).toThrow(
      '1500 servers of target account target-1 need at least 5 staging accounts (DRS replicates at most 300 per account and Region)',
    );
  });

  it('keeps the single-account estates as they were: the home account extends every staging server', () => {
    const generated = parseScenario(generateScenario({ servers: 900 }));

    expect(Object.fromEntries(serversPerAccount(generated, true))).toEqual({ [HOME]: 900 });
    expect(generated.stagingAccounts.map((s) => s.targetAccount)).toEqual([HOME, HOME, HOME]);
  });
});

describe('a generated estate left for the run to extend (extended: false)', () => {
  let drs: LocalDrs | undefined;
  let sts: LocalSts | undefined;
  afterEach(async () => {
    await drs?.stop();
    await sts?.stop();
  });

  it('lists each staging account\'s servers as extensible in its target account, reached with the role and external ID', async () => {
    drs = await startLocalDrs({ scenario: generateScenario({ servers: 40, targets: 2, stagingAccounts: 4, externalId: 'bench-external-id', extended: false }), speed: 0 });
    sts = await startLocalSts({ identity: drs.identity });
    const { Credentials } = await stsClientFor(sts).send(
      new AssumeRoleCommand({ RoleArn: generatedTargetRoleArn(generatedTargetAccountId(2)), RoleSessionName: 'drs-generated', ExternalId: 'bench-external-id' }),
    );
    const target2 = drsClientFor(drs, { credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });

    const extensible = await Promise.all(
      [3, 4].map(async (n) => (await target2.send(new ListExtensibleSourceServersCommand({ stagingAccountID: generatedStagingAccountId(n) }))).items ?? []),
    );

    expect(extensible.map((items) => items.length)).toEqual([10, 10]);
    expect(drs.state({ accountId: generatedTargetAccountId(2) }).sourceServers).toEqual([]);
  });
});
