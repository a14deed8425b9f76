// Multi-account recovery end to end (ASL → built handlers → AWS SDK → HTTP → local STS and local
// DRS, which tell accounts apart by the requests' signing keys): staging servers extended into
// their target account before their wave, two target accounts recovering side by side, each
// reached with its role and external ID, clean-up and failback in every account.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { StartRecoveryCommand } from '@aws-sdk/client-drs';
import { startLocalDrs, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { causeOf, runPlan } from './harness.ts';

const RECOVERY = '111122223333';
const TARGET_B = '222233334444';
const ACCOUNTS = [RECOVERY, TARGET_B, '444455556666', '777788889999', '333344445555'];

/** The shipped example scenario, changed by `change` (a fresh copy each time). */
async function scenario(change: (scenario: Record<string, any>) => void = () => {}): Promise<Scenario> {
  const parsed = parseYaml(await readFile('scenarios/multi-account.yaml', 'utf8')) as Record<string, any>;
  change(parsed);
  return parsed as Scenario;
}

const plan = () => readFile('plans/multi-account.yaml', 'utf8');

/** Drill instances DRS still lists, in every account of the scenario. */
function drillInstancesLeft(drs: LocalDrs): Record<string, number> {
  return Object.fromEntries(ACCOUNTS.map((accountId) => [accountId, drs.state({ accountId }).recoveryInstances.filter((instance) => instance.isDrill).length]));
}

function serversOf(drs: LocalDrs, accountId: string) {
  return drs.state({ accountId }).sourceServers;
}

describe('a drill across a home account, a second target account and three staging accounts', () => {
  it('extends the staging servers before their wave, recovers in both target accounts, leaves 0 instances in any account, and reports each server\'s account', async () => {
    const drs = await startLocalDrs({ scenario: await scenario(), speed: 0 });

    const { result, report } = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: await plan(), drs });

    expect(result.status, causeOf(result)).toBe('SUCCEEDED');
    // 5 staging servers extended into recovery, 3 into target-b: one call each, no more.
    expect(drs.countCalls('CreateExtendedSourceServer')).toBe(8);
    expect(serversOf(drs, RECOVERY).filter((server) => (server as { stagingArea?: { status?: string } }).stagingArea?.status === 'EXTENDED')).toHaveLength(5);
    expect(serversOf(drs, TARGET_B).filter((server) => (server as { stagingArea?: { status?: string } }).stagingArea?.status === 'EXTENDED')).toHaveLength(3);
    // Jobs ran in both target accounts; the web wave in both at once.
    const webJobs = (accountId: string) => drs.state({ accountId }).jobs.filter((job) => job.type === 'LAUNCH' && job.tags?.['drs-orchestrator:wave'] === 'web');
    expect(webJobs(RECOVERY)).toHaveLength(1);
    expect(webJobs(TARGET_B)).toHaveLength(1);
    expect(drillInstancesLeft(drs)).toEqual(Object.fromEntries(ACCOUNTS.map((accountId) => [accountId, 0])));
    // The report names each server's account; per-account totals add up.
    const servers = report.waves.flatMap((wave) => wave.servers);
    expect(servers).toHaveLength(12);
    expect(new Set(servers.map((server) => `${server.account} ${server.accountId}`))).toEqual(new Set([`recovery ${RECOVERY}`, `target-b ${TARGET_B}`]));
    expect(report.waves.find((wave) => wave.name === 'web')?.servers.map((server) => server.account).sort()).toEqual(['recovery', 'target-b', 'target-b', 'target-b', 'target-b']);
    expect(report.accounts?.map((total) => [total.account, total.servers, total.launched, total.failed])).toEqual(
      expect.arrayContaining([
        ['recovery', expect.any(Number), expect.any(Number), 0],
        ['target-b', expect.any(Number), expect.any(Number), 0],
      ]),
    );
    expect(report.accounts?.reduce((total, account) => total + account.servers, 0)).toBe(12);
    expect(report.cleanup).toMatchObject({ instancesLaunched: 12, instancesLeft: 0 });
    await drs.stop();
  });

  it('a second drill reuses the extended servers and creates none', async () => {
    const drs = await startLocalDrs({ scenario: await scenario(), speed: 0 });
    const first = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: await plan(), drs });
    const second = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: await plan(), drs });

    expect(first.result.status).toBe('SUCCEEDED');
    expect(second.result.status, causeOf(second.result)).toBe('SUCCEEDED');
    expect(drs.countCalls('CreateExtendedSourceServer')).toBe(8);
    await drs.stop();
  });

  it('an ExtendSourceServers step retried after Lambda lost its answer creates no second extension', async () => {
    const drs = await startLocalDrs({ scenario: await scenario(), speed: 0 });

    const { result } = await runPlan({
      input: { plan: 'orders', mode: 'drill' },
      plan: await plan(),
      drs,
      lambdaFaults: { ExtendSourceServers: { failAfterInvocation: 2 } },
    });

    expect(result.status, causeOf(result)).toBe('SUCCEEDED');
    expect(result.lambdaInvocations.ExtendSourceServers).toBeGreaterThan(3);
    expect(drs.countCalls('CreateExtendedSourceServer')).toBe(8);
    const extended = [...serversOf(drs, RECOVERY), ...serversOf(drs, TARGET_B)].filter((server) => (server as { stagingArea?: { status?: string } }).stagingArea?.status === 'EXTENDED');
    expect(extended).toHaveLength(8);
    await drs.stop();
  });
});

describe('quotas per account', () => {
  it("one account at its 20-active-job quota holds back only its own servers: the other account's jobs start at once", async () => {
    // Prepare: 20 other servers of the home account, each launching in a job of its own: its quota is full.
    const drs = await startLocalDrs({
      scenario: await scenario((parsed) => {
        for (let n = 1; n <= 20; n += 1) parsed.sourceServers.push({ hostname: `batch-${n}`, tags: { Application: 'batch' } });
      }),
      speed: 0,
    });
    const home = drsClientFor(drs);
    const batch = drs.state().sourceServers.filter((server) => server.tags?.Application === 'batch');
    for (const server of batch) await home.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: server.sourceServerID }], isDrill: true }));
    const webOnly = (await plan()).replace(/waves:[\s\S]*?(  - name: web)/, 'waves:\n$1');

    // Act
    const { result, report } = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: webOnly, drs });

    // Assert: target-b's job was created when the wave started; the home account's only once its
    // quota had room: after the first of the other jobs ended.
    expect(result.status, causeOf(result)).toBe('SUCCEEDED');
    const webJob = (accountId: string) => drs.state({ accountId }).jobs.find((job) => job.tags?.['drs-orchestrator:wave'] === 'web') as { creationDateTime: string } | undefined;
    const blockersEnded = Math.min(...drs.state().jobs.filter((job) => job.tags?.['drs-orchestrator:wave'] === undefined && job.type === 'LAUNCH').map((job) => Date.parse((job as { endDateTime: string }).endDateTime)));
    expect(Date.parse(webJob(TARGET_B)!.creationDateTime)).toBeLessThan(blockersEnded);
    expect(Date.parse(webJob(RECOVERY)!.creationDateTime)).toBeGreaterThanOrEqual(blockersEnded);
    expect(report.waves[0].servers).toHaveLength(5);
    await drs.stop();
  });
});

describe('Regions', () => {
  it('a wave recovers in another Region of the home account, next to the accounts of the others', async () => {
    const drs = await startLocalDrs({
      scenario: await scenario((parsed) => parsed.sourceServers.push({ hostname: 'orders-db-west', region: 'us-west-2', tags: { Application: 'orders', Tier: 'db' } })),
      speed: 0,
    });
    const westToo = (await plan()).replace(
      "      tags: { Application: orders, Tier: db }         # no account: the home account",
      '      - tags: { Application: orders, Tier: db }\n      - { region: us-west-2, tags: { Application: orders, Tier: db } }',
    );

    const { result, report } = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: westToo, drs });

    expect(result.status, causeOf(result)).toBe('SUCCEEDED');
    expect(report.waves[0].servers.map((server) => `${server.hostname} ${server.account} ${server.region}`).sort()).toEqual([
      'orders-db-1 recovery us-east-1',
      'orders-db-2 recovery us-east-1',
      'orders-db-west recovery us-west-2',
    ]);
    expect(drs.state({ accountId: RECOVERY, region: 'us-west-2' }).jobs.filter((job) => job.type === 'LAUNCH')).toHaveLength(1);
    expect(drs.state({ accountId: RECOVERY, region: 'us-west-2' }).recoveryInstances.filter((instance) => instance.isDrill)).toHaveLength(0);
    await drs.stop();
  });
});

describe('extension errors count against the wave that needs the server', () => {
  const failExtension = (hostname: string) => (parsed: Record<string, any>) => {
    const server = parsed.sourceServers.find((candidate: { hostname: string }) => candidate.hostname === hostname);
    server.extensionError = 'The EBS encryption key of the staging area is not shared with the target account';
  };

  it('within the budget: the web wave (budget 1) succeeds with failures and the report names the server and DRS\'s message', async () => {
    const drs = await startLocalDrs({ scenario: await scenario(failExtension('orders-web-2')), speed: 0 });

    const { result, report } = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: await plan(), drs });

    expect(result.status, causeOf(result)).toBe('SUCCEEDED');
    expect(report.waves.find((wave) => wave.name === 'web')?.status).toBe('SUCCEEDED_WITH_FAILURES');
    expect(report.failures).toEqual([
      expect.objectContaining({ wave: 'web', what: 'extension', error: expect.stringContaining('The EBS encryption key of the staging area is not shared with the target account') }),
    ]);
    expect(drillInstancesLeft(drs)[TARGET_B]).toBe(0);
    await drs.stop();
  });

  it('beyond the budget: the application wave (budget 0) fails naming the server, launches nothing more, and the drill cleans up', async () => {
    const drs = await startLocalDrs({ scenario: await scenario(failExtension('orders-app-4')), speed: 0 });

    const { result, report } = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: await plan(), drs });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('WaveFailedError');
    expect(causeOf(result)).toMatch(/wave "application": 1 of 5 servers failed, failure budget 0: .*extension from staging account 777788889999 failed: The EBS encryption key/);
    expect(report.waves.find((wave) => wave.name === 'web')?.status).toBe('NOT_STARTED');
    expect(drillInstancesLeft(drs)).toEqual(Object.fromEntries(ACCOUNTS.map((accountId) => [accountId, 0])));
    await drs.stop();
  });
});

/** The shipped scenario's accounts, as a stage configuration would declare them, target-b's role changed. */
function withTargetB(change: Record<string, unknown>): unknown {
  return [
    { alias: 'recovery', home: true, stagingAccounts: ['444455556666', '777788889999'] },
    { alias: 'target-b', accountId: TARGET_B, roleArn: 'arn:aws:iam::222233334444:role/drs-orchestrator-access', externalId: 'drs-orchestrator-local', stagingAccounts: ['333344445555'], ...change },
  ];
}

describe('accounts the orchestrator cannot use stop the run at preflight, naming the account and the role', () => {
  it('a wrong external ID', async () => {
    const drs = await startLocalDrs({ scenario: await scenario(), speed: 0 });
    const accounts = withTargetB({ externalId: 'not-the-one-the-role-wants' });

    const { result } = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: await plan(), drs, accounts });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PreflightFailedError');
    expect(causeOf(result)).toMatch(/account target-b \(222233334444\) in us-east-1 through role arn:aws:iam::222233334444:role\/drs-orchestrator-access with its external ID: cannot be reached \(AccessDenied: .*\): check that the role exists, that its trust policy names the orchestrator's function role, and that the external ID/);
    expect(drs.countCalls('StartRecovery')).toBe(0);
    expect(drs.countCalls('CreateExtendedSourceServer')).toBe(0);
    await drs.stop();
  });

  it('a role whose trust policy does not name the orchestrator', async () => {
    const drs = await startLocalDrs({
      scenario: await scenario((parsed) => {
        parsed.identity.accounts[1].roles[0].trust.principals = ['arn:aws:iam::999988887777:root'];
        parsed.identity.accounts.push({ id: '999988887777', alias: 'elsewhere' });
      }),
      speed: 0,
    });
    const accounts = withTargetB({});

    const { result } = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: await plan(), drs, accounts });

    expect(result.status).toBe('FAILED');
    expect(result.error, causeOf(result)).toBe('PreflightFailedError');
    expect(causeOf(result)).toMatch(/account target-b \(222233334444\) in us-east-1 through role arn:aws:iam::222233334444:role\/drs-orchestrator-access.*: cannot be reached \(AccessDenied/);
    expect(drs.countCalls('StartRecovery')).toBe(0);
    await drs.stop();
  });
});

describe('an account where DRS was never initialized', () => {
  it('is a preflight error naming the account, before anything starts', async () => {
    const drs = await startLocalDrs({
      scenario: await scenario((parsed) => {
        parsed.sourceServers = parsed.sourceServers.filter((server: { account?: string }) => server.account !== 'target-b');
        parsed.uninitialized = ['target-b'];
      }),
      speed: 0,
    });

    const { result } = await runPlan({ input: { plan: 'orders', mode: 'drill' }, plan: await plan(), drs, accounts: withTargetB({}) });

    expect(result.error, causeOf(result)).toBe('PreflightFailedError');
    expect(causeOf(result)).toMatch(/account target-b \(222233334444\) in us-east-1 .*: DRS is not initialized there \(UninitializedAccountException/);
    expect(drs.countCalls('StartRecovery') + drs.countCalls('CreateExtendedSourceServer')).toBe(0);
    await drs.stop();
  });
});

describe('failback from every account the recovery used', () => {
  it('servers recovered in the second target account fail back there', async () => {
    const drs = await startLocalDrs({ scenario: await scenario(), speed: 0 });
    const recovery = await runPlan({ input: { plan: 'orders', mode: 'recovery' }, plan: await plan(), drs });
    expect(recovery.result.status, causeOf(recovery.result)).toBe('SUCCEEDED');

    const failback = await runPlan({ input: { plan: 'orders', mode: 'failback' }, plan: await plan(), drs });

    expect(failback.result.status, causeOf(failback.result)).toBe('SUCCEEDED');
    const failbackJobs = (accountId: string) => drs.state({ accountId }).jobs.filter((job) => job.initiatedBy === 'FAILBACK');
    expect(failbackJobs(TARGET_B).length).toBeGreaterThan(0);
    expect(failbackJobs(RECOVERY).length).toBeGreaterThan(0);
    await drs.stop();
  });
});
