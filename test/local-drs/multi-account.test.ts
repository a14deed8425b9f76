// Several accounts and Regions in one local DRS service, told apart as AWS does: by the SigV4
// access key (its account) and credential scope (its Region), with the unmodified SDK and the
// local STS service sharing one identity store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateExtendedSourceServerCommand,
  DescribeJobsCommand,
  DescribeSourceServersCommand,
  ListExtensibleSourceServersCommand,
  ListStagingAccountsCommand,
  ServiceQuotaExceededException,
  StartRecoveryCommand,
  type DrsClient,
} from '@aws-sdk/client-drs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { defaultCredentials, defaultIdentity, DEFAULT_STAGING_ROLE_ARN } from '#local/identity/index.ts';
import { generateScenario, loadScenario, parseScenario, startLocalDrs, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { startLocalSts, type LocalSts } from '#local/sts/index.ts';
import { stsClientFor } from '#local/sts/client.ts';
import { fileURLToPath } from 'node:url';
import { TEST_START_TIME, rejectionOf } from './helpers.ts';

const RECOVERY = '111122223333';
const SHIPPED_SCENARIO = fileURLToPath(new URL('../../scenarios/multi-account.yaml', import.meta.url));
const STAGING = '444455556666';
const EXPIRED = { accessKeyId: 'AKIAEXPIREDOPERATOR1', secretAccessKey: 'expired-secret' };

const server = (hostname: string, extra: Record<string, unknown> = {}) => ({ hostname, tags: { Owner: 'test' }, ...extra });

const scenario: Scenario = {
  startTime: TEST_START_TIME,
  region: 'us-east-1',
  accountId: RECOVERY,
  identity: {
    accounts: [
      {
        ...defaultIdentity.accounts[0]!,
        principals: [...(defaultIdentity.accounts[0]!.principals ?? []), { arn: `arn:aws:iam::${RECOVERY}:user/former`, ...EXPIRED, expiration: '2020-01-01T00:00:00Z' }],
      },
      defaultIdentity.accounts[1]!,
    ],
  },
  sourceServers: [
    server('recovery-app-1'),
    server('shared-name'),
    server('shared-name', { region: 'us-west-2', tags: { Copy: 'west' } }),
    ...Array.from({ length: 20 }, (_, i) => server(`staging-db-${i + 1}`, { account: 'staging' })),
    server('staging-broken', { account: STAGING, extensionError: 'The EBS encryption key is not shared with account 111122223333' }),
  ],
  stagingAccounts: [{ accountId: STAGING }],
};

let drs: LocalDrs;
let sts: LocalSts;
let recovery: DrsClient;
let staging: DrsClient;

const hostnames = async (client: DrsClient) =>
  ((await client.send(new DescribeSourceServersCommand({}))).items ?? []).map((s) => s.sourceProperties?.identificationHints?.hostname).sort();
const idOf = async (client: DrsClient, hostname: string) =>
  ((await client.send(new DescribeSourceServersCommand({}))).items ?? []).find((s) => s.sourceProperties?.identificationHints?.hostname === hostname)!.sourceServerID!;
const drill = (...sourceServerIDs: string[]) => new StartRecoveryCommand({ isDrill: true, sourceServers: sourceServerIDs.map((sourceServerID) => ({ sourceServerID })) });

beforeAll(async () => {
  drs = await startLocalDrs({ scenario, speed: 0 });
  sts = await startLocalSts({ identity: drs.identity });
  recovery = drsClientFor(drs);
  // The function role of the recovery account assumes the staging account's role, as the orchestrator would.
  const { Credentials } = await stsClientFor(sts).send(new AssumeRoleCommand({ RoleArn: DEFAULT_STAGING_ROLE_ARN, RoleSessionName: 'multi-account-test' }));
  staging = drsClientFor(drs, { credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });
});

afterAll(async () => {
  await drs?.stop();
  await sts?.stop();
});

describe('accounts and Regions are told apart by the request signature', () => {
  it('signs as the default account with drsClientFor', () => {
    expect(drs.credentials).toEqual(defaultCredentials);
  });

  it('shows each account only its own source servers and jobs; a role session from AssumeRole lands in the role\'s account', async () => {
    const { job } = await staging.send(drill(await idOf(staging, 'staging-db-1')));

    const recoveryServers = await hostnames(recovery);
    const stagingServers = await hostnames(staging);
    const recoveryJobs = (await recovery.send(new DescribeJobsCommand({}))).items ?? [];
    const stagingJobs = (await staging.send(new DescribeJobsCommand({}))).items ?? [];

    expect(recoveryServers).toEqual(['recovery-app-1', 'shared-name']);
    expect(stagingServers).toContain('staging-db-1');
    expect(stagingServers).not.toContain('recovery-app-1');
    expect(job!.arn).toMatch(new RegExp(`^arn:aws:drs:us-east-1:${STAGING}:job/`));
    expect(stagingJobs.map((j) => j.jobID)).toContain(job!.jobID);
    expect(recoveryJobs.map((j) => j.jobID)).not.toContain(job!.jobID);
    expect(drs.state({ accountId: STAGING }).jobs.map((j) => j.jobID)).toEqual([job!.jobID]);
    expect(drs.state().jobs.map((j) => j.jobID)).not.toContain(job!.jobID);
  });

  it('keeps one source server ID space per Region: the same ID names a different server in each', async () => {
    const west = drsClientFor(drs, { region: 'us-west-2' });
    const eastServer = (await recovery.send(new DescribeSourceServersCommand({}))).items!.find((s) => s.sourceProperties?.identificationHints?.hostname === 'shared-name')!;
    const westServers = (await west.send(new DescribeSourceServersCommand({}))).items!;

    expect(westServers.map((s) => s.sourceServerID)).toEqual([eastServer.sourceServerID]);
    expect(westServers[0]!.tags).toEqual({ Copy: 'west' });
    expect(westServers[0]!.arn).toMatch(/^arn:aws:drs:us-west-2:111122223333:source-server\//);
    expect(eastServer.tags).toEqual({ Owner: 'test' });
  });

  it('answers an unknown access key with UnrecognizedClientException (403)', async () => {
    const stranger = drsClientFor(drs, { credentials: { accessKeyId: 'AKIANOBODYKNOWSME001', secretAccessKey: 'x' }, maxAttempts: 1 });

    const error = await rejectionOf(stranger.send(new DescribeSourceServersCommand({})));

    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('answers a request signed with a tampered secret with InvalidSignatureException (403)', async () => {
    const tampered = drsClientFor(drs, { credentials: { ...defaultCredentials, secretAccessKey: `${defaultCredentials.secretAccessKey}x` }, maxAttempts: 1 });

    const error = await rejectionOf(tampered.send(new DescribeSourceServersCommand({})));

    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('counts each account\'s calls apart (what benchmarks read per account); a request placed nowhere counts only in the total', async () => {
    const before = { total: drs.countCalls('DescribeSourceServers'), recovery: drs.countCalls('DescribeSourceServers', RECOVERY), staging: drs.countCalls('DescribeSourceServers', STAGING), stagingAll: drs.countCalls(undefined, STAGING) };
    const stranger = drsClientFor(drs, { credentials: { accessKeyId: 'AKIANOBODYKNOWSME001', secretAccessKey: 'x' }, maxAttempts: 1 });

    await recovery.send(new DescribeSourceServersCommand({}));
    await staging.send(new DescribeSourceServersCommand({}));
    await staging.send(new DescribeSourceServersCommand({}));
    await rejectionOf(stranger.send(new DescribeSourceServersCommand({})));

    expect(drs.countCalls('DescribeSourceServers') - before.total).toBe(4);
    expect(drs.countCalls('DescribeSourceServers', RECOVERY) - before.recovery).toBe(1);
    expect(drs.countCalls('DescribeSourceServers', STAGING) - before.staging).toBe(2);
    expect(drs.countCalls(undefined, STAGING) - before.stagingAll).toBe(2);
    expect(drs.calls().at(-2)).toMatchObject({ operation: 'DescribeSourceServers', accountId: STAGING });
    expect(drs.calls().at(-1)).not.toHaveProperty('accountId');
  });

  it('answers expired credentials with ExpiredTokenException (403)', async () => {
    const former = drsClientFor(drs, { credentials: EXPIRED, maxAttempts: 1 });

    const error = await rejectionOf(former.send(new DescribeSourceServersCommand({})));

    expect(error.name).toBe('ExpiredTokenException');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });
});

describe('quotas are per account', () => {
  it('an account at its 20-active-jobs quota does not block another account', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => idOf(staging, `staging-db-${i + 1}`)));
    const active = ((await staging.send(new DescribeJobsCommand({}))).items ?? []).filter((j) => j.status !== 'COMPLETED').length;
    for (const id of ids.slice(active)) await staging.send(drill(id));

    const refused = await rejectionOf(staging.send(drill(await idOf(staging, 'staging-broken'))));
    const accepted = await recovery.send(drill(await idOf(recovery, 'recovery-app-1')));

    expect(refused).toBeInstanceOf(ServiceQuotaExceededException);
    expect(accepted.job?.status).toBe('PENDING');
  });
});

describe('extension across accounts', () => {
  it('extends a staging account\'s server into the recovery account, which then lists the staging account', async () => {
    const before = (await recovery.send(new ListStagingAccountsCommand({}))).accounts ?? [];
    const { items: extensible = [] } = await recovery.send(new ListExtensibleSourceServersCommand({ stagingAccountID: STAGING }));
    const target = extensible.find((s) => s.hostname === 'staging-db-2')!;

    const { sourceServer } = await recovery.send(new CreateExtendedSourceServerCommand({ sourceServerArn: target.arn! }));
    const after = (await recovery.send(new ListStagingAccountsCommand({}))).accounts ?? [];
    const stagingStill = await hostnames(staging);

    expect(before).toEqual([]);
    expect(target.arn).toMatch(new RegExp(`^arn:aws:drs:us-east-1:${STAGING}:source-server/`));
    expect(sourceServer!.arn).toMatch(new RegExp(`^arn:aws:drs:us-east-1:${RECOVERY}:source-server/`));
    expect(sourceServer!.stagingArea).toEqual({ status: 'EXTENDED', stagingAccountID: STAGING, stagingSourceServerArn: target.arn });
    expect(after).toEqual([{ accountID: STAGING }]);
    expect(stagingStill).toContain('staging-db-2');
  });

  it('ends in EXTENSION_ERROR with its message when the scenario says the extension fails', async () => {
    const { items: extensible = [] } = await recovery.send(new ListExtensibleSourceServersCommand({ stagingAccountID: STAGING }));
    const broken = extensible.find((s) => s.hostname === 'staging-broken')!;

    const { sourceServer } = await recovery.send(new CreateExtendedSourceServerCommand({ sourceServerArn: broken.arn! }));

    expect(sourceServer!.stagingArea).toEqual({
      status: 'EXTENSION_ERROR',
      stagingAccountID: STAGING,
      stagingSourceServerArn: broken.arn,
      errorMessage: 'The EBS encryption key is not shared with account 111122223333',
    });
  });

  it('refuses to list servers of an account that is not a staging account of the caller (AccessDeniedException)', async () => {
    const error = await rejectionOf(staging.send(new ListExtensibleSourceServersCommand({ stagingAccountID: RECOVERY })));

    expect(error.name).toBe('AccessDeniedException');
  });
});

describe('the scenario format', () => {
  it('loads the shipped multi-account scenario: each target account sees its own servers and its staging accounts\' extensible ones', async () => {
    const shipped = await startLocalDrs({ scenario: SHIPPED_SCENARIO, speed: 0 });
    const shippedSts = await startLocalSts({ identity: shipped.identity });
    try {
      const recoveryClient = drsClientFor(shipped);
      // The orchestrator's way into target-b: its function role assumes the role with the external ID.
      const { Credentials } = await stsClientFor(shippedSts).send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222233334444:role/drs-orchestrator-access', RoleSessionName: 'drs-shipped', ExternalId: 'drs-orchestrator-local' }),
      );
      const targetB = drsClientFor(shipped, { credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });
      const extensible = async (client: DrsClient, stagingAccountID: string) =>
        ((await client.send(new ListExtensibleSourceServersCommand({ stagingAccountID }))).items ?? []).map((s) => s.hostname).sort();

      expect(await hostnames(recoveryClient)).toEqual(['orders-db-1', 'orders-db-2', 'orders-web-5']);
      expect(await extensible(recoveryClient, '444455556666')).toEqual(['orders-app-1', 'orders-app-2', 'orders-app-3']);
      expect(await extensible(recoveryClient, '777788889999')).toEqual(['orders-app-4', 'orders-app-5']);
      expect(await hostnames(targetB)).toEqual(['orders-web-4']);
      expect(await extensible(targetB, '333344445555')).toEqual(['orders-web-1', 'orders-web-2', 'orders-web-3']);
      expect((await rejectionOf(recoveryClient.send(new ListExtensibleSourceServersCommand({ stagingAccountID: '333344445555' })))).name).toBe('AccessDeniedException');
    } finally {
      await shipped.stop();
      await shippedSts.stop();
    }
  });

  it('ships application orders with distinct hostnames, tagged by tier, and no failing extension', async () => {
    const shipped = await loadScenario(SHIPPED_SCENARIO);
    const hostnamesOfTier = (tier: string) => shipped.sourceServers.filter((s) => s.tags.Tier === tier).map((s) => s.hostname);

    expect(new Set(shipped.sourceServers.map((s) => s.hostname)).size).toBe(shipped.sourceServers.length);
    expect(shipped.sourceServers.every((s) => s.tags.Application === 'orders')).toBe(true);
    expect([hostnamesOfTier('db').length, hostnamesOfTier('app').length, hostnamesOfTier('web').length]).toEqual([2, 5, 5]);
    expect(shipped.sourceServers.filter((s) => s.extensionError !== undefined)).toEqual([]);
  });

  it('refuses 301 replicating source servers in one account and Region, pointing at staging accounts', () => {
    const tooMany = { sourceServers: Array.from({ length: 301 }, (_, i) => server(`host-${i}`)) };

    expect(() => parseScenario(tooMany)).toThrow(/301 replicating source servers; DRS replicates at most 300 per account and Region.*staging accounts.*"Using multiple staging accounts"/s);
  });

  it('names an unknown account and an unknown key', () => {
    expect(() => parseScenario({ sourceServers: [server('a', { account: 'nowhere' })] })).toThrow(/sourceServers\.0\.account: unknown account nowhere/);
    expect(() => parseScenario({ sourceServers: [server('a', { acount: RECOVERY })] })).toThrow(/unknown key acount \(did you mean account\?\): a source server takes hostname, account, region/);
  });

  it('generates large estates over staging accounts, at most 300 servers each, extended into the recovery account', () => {
    const generated = parseScenario(generateScenario({ servers: 3000, stagingAccounts: 10 }));
    const perAccount = new Map<string, number>();
    for (const s of generated.sourceServers) perAccount.set(s.account!, (perAccount.get(s.account!) ?? 0) + 1);

    expect(perAccount.get(RECOVERY)).toBe(3000);
    expect([...perAccount.entries()].filter(([id]) => id !== RECOVERY).map(([, count]) => count)).toEqual(Array(10).fill(300));
    expect(generated.sourceServers.filter((s) => s.account === RECOVERY).every((s) => s.stagingAccountId)).toBe(true);
    expect(generated.stagingAccounts).toHaveLength(10);
  });
});
