// The composition root's DRS ports: one per (account, Region), created on first use and kept,
// every one of them talking to DRS_ENDPOINT when it is set (the local DRS service here).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalDrs } from '#local/drs/index.ts';
import { startLocalDrs } from '#local/drs/index.ts';
import { DEFAULT_STAGING_ROLE_ARN } from '#local/identity/defaults.ts';
import { defaultScenario } from '../local-drs/helpers.ts';

let localDrs: LocalDrs;
let aws: typeof import('#shared/aws/drs.ts');

/**
 * Another account (the default world's staging account), reached with a role session minted for
 * it, handed out by a provider that says when it is asked (as an STS role's provider would be).
 */
const credentialsAsked: string[] = [];
let otherAccount: { account: string; credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> };

beforeAll(async () => {
  localDrs = await startLocalDrs({ scenario: await defaultScenario(), speed: 0 });
  vi.stubEnv('AWS_REGION', localDrs.region);
  vi.stubEnv('DRS_ENDPOINT', localDrs.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', localDrs.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', localDrs.credentials.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', localDrs.credentials.sessionToken ?? '');
  const stagingRole = localDrs.identity.role(DEFAULT_STAGING_ROLE_ARN);
  if (stagingRole === undefined) throw new Error(`the default identity world has no ${DEFAULT_STAGING_ROLE_ARN}`);
  const session = localDrs.identity.mintRoleSession(stagingRole, 'aws-drs-test', 3600);
  otherAccount = {
    account: stagingRole.account,
    credentials: async () => {
      credentialsAsked.push(stagingRole.account);
      return { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };
    },
  };
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  aws = await import('#shared/aws/drs.ts');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await localDrs?.stop();
});

describe('the DRS ports of the composition root', () => {
  it('keep one port per (account, Region): the home Region in this account is the default port', () => {
    const home = aws.drsPortFor({ region: localDrs.region });
    const elsewhere = aws.drsPortFor({ region: 'ap-southeast-2' });
    const otherAccountHere = aws.drsPortFor({ region: localDrs.region, ...otherAccount });

    expect(home).toBe(aws.drs);
    expect(aws.regionalDrs(localDrs.region)).toBe(aws.drs);
    expect(aws.regionalDrs('ap-southeast-2')).toBe(elsewhere);
    expect(elsewhere).not.toBe(home);
    expect(otherAccountHere).not.toBe(home);
    expect(aws.drsPortFor({ region: localDrs.region, ...otherAccount })).toBe(otherAccountHere);
  });

  it('talk to DRS_ENDPOINT, with this account\'s credentials or the ones given for another account, and DRS keeps the accounts apart', async () => {
    const home = (await aws.drs.listSourceServers()).map((server) => server.sourceServerID);
    const viaOtherAccount = await aws.drsPortFor({ region: localDrs.region, ...otherAccount }).listSourceServers();

    expect(home.length).toBeGreaterThan(0);
    expect(credentialsAsked).toContain(otherAccount.account);
    expect(viaOtherAccount.map((server) => server.sourceServerID).filter((id) => home.includes(id))).toEqual([]);
  });

  it('list source networks by ID in the batches DescribeSourceNetworks takes (100 IDs), and ask nothing for no ID (DRS reads an empty filter as every network)', async () => {
    const [existing] = localDrs.state().sourceNetworks;
    const madeUp = Array.from({ length: 149 }, (_, n) => `sn-${String(n).padStart(17, '0')}`);
    const before = localDrs.countCalls('DescribeSourceNetworks');

    const listed = await aws.drs.listSourceNetworks([...madeUp.slice(0, 100), existing.sourceNetworkID, ...madeUp.slice(100)]);
    const none = await aws.drs.listSourceNetworks([]);

    expect(listed.map((network) => network.sourceNetworkID)).toEqual([existing.sourceNetworkID]);
    expect(none).toEqual([]);
    expect(localDrs.countCalls('DescribeSourceNetworks') - before).toBe(2);
  });

  it("give a run's next step in a warm container the same multi-account port, which knows the accounts of the IDs it has seen", async () => {
    const { fleetForRun } = await import('#shared/aws/accounts.ts');
    const scopes = [{ account: 'home', region: localDrs.region }, { account: 'home', region: 'ap-southeast-2' }];
    const first = fleetForRun({ execution: 'exec-warm-1', scopes });
    const [server] = await first.listSourceServers();

    const again = fleetForRun({ execution: 'exec-warm-1', scopes });
    expect(again).toBe(first);
    expect(again.scopeOf(server!.sourceServerID!)).toBe(`home@${localDrs.region}`);
    expect(fleetForRun({ execution: 'exec-warm-2', scopes })).not.toBe(first);
  });

  it('read a COMPLETED job from DRS once and keep it; a job still running is asked for every time', async () => {
    const [source] = await aws.drs.listSourceServers();
    const job = await aws.drs.startRecovery({ sourceServers: [{ sourceServerID: source!.sourceServerID! }], isDrill: true, tags: {} });
    const ask = async () => {
      const before = localDrs.countCalls('DescribeJobs');
      const [read] = await aws.drs.listJobs({ jobIDs: [job.jobID!] });
      return { read, calls: localDrs.countCalls('DescribeJobs') - before };
    };

    const running = [await ask(), await ask()];
    localDrs.advanceBy(3 * 3600); // the drill launches and its job completes
    const completed = [await ask(), await ask()];

    expect(running.map(({ read, calls }) => [read?.status, calls])).toEqual([[expect.not.stringMatching(/^COMPLETED$/), 1], [expect.not.stringMatching(/^COMPLETED$/), 1]]);
    expect(completed.map(({ read, calls }) => [read?.status, calls])).toEqual([['COMPLETED', 1], ['COMPLETED', 0]]);
    expect(completed[1]!.read).toEqual(completed[0]!.read);
  });
});
