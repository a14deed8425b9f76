// An account (and Region) where DRS was never initialized answers UninitializedAccountException to
// every operation but InitializeService, as the service model says; the unmodified SDK sees its
// own exception class. The account is reached as the orchestrator would: a role session from STS.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DescribeJobsCommand,
  DescribeSourceServersCommand,
  InitializeServiceCommand,
  ListStagingAccountsCommand,
  ListTagsForResourceCommand,
  StartRecoveryCommand,
  UninitializedAccountException,
  type DrsClient,
} from '@aws-sdk/client-drs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { defaultIdentity, DEFAULT_FUNCTION_ROLE_ARN } from '#local/identity/index.ts';
import { parseScenario, startLocalDrs, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { startLocalSts, type LocalSts } from '#local/sts/index.ts';
import { stsClientFor } from '#local/sts/client.ts';
import { TEST_START_TIME, rejectionOf } from './helpers.ts';

const NEW_TARGET = '222233334444';
const NEW_TARGET_ROLE = `arn:aws:iam::${NEW_TARGET}:role/drs-orchestrator-access`;

/** The home account with one server, a new target account, with a server in us-west-2 unless `westServer` is false. */
const scenario = (uninitialized: Scenario['uninitialized'], westServer = true): Scenario => ({
  startTime: TEST_START_TIME,
  identity: {
    accounts: [
      defaultIdentity.accounts[0]!,
      { id: NEW_TARGET, alias: 'new-target', roles: [{ arn: NEW_TARGET_ROLE, trust: { principals: [DEFAULT_FUNCTION_ROLE_ARN] } }] },
    ],
  },
  sourceServers: [{ hostname: 'orders-db-1' }, ...(westServer ? [{ hostname: 'orders-web-1', account: 'new-target', region: 'us-west-2' }] : [])],
  uninitialized,
});

let drs: LocalDrs;
let sts: LocalSts;

async function start(uninitialized: Scenario['uninitialized'], westServer = true): Promise<void> {
  drs = await startLocalDrs({ scenario: scenario(uninitialized, westServer), speed: 0 });
  sts = await startLocalSts({ identity: drs.identity });
}

/** A DRS client in the new target account, signing with a session of its role (as the orchestrator would). */
async function newTargetClient(region = 'us-east-1'): Promise<DrsClient> {
  const { Credentials } = await stsClientFor(sts).send(new AssumeRoleCommand({ RoleArn: NEW_TARGET_ROLE, RoleSessionName: 'drs-uninitialized-test' }));
  return drsClientFor(drs, {
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! },
  });
}

beforeEach(() => {
  drs = undefined as unknown as LocalDrs;
  sts = undefined as unknown as LocalSts;
});
afterEach(async () => {
  await drs?.stop();
  await sts?.stop();
});

describe('an account where DRS was never initialized', () => {
  it('answers UninitializedAccountException (400) to every operation, tag operations included', async () => {
    await start([{ account: 'new-target', region: 'us-east-1' }]);
    const client = await newTargetClient();

    const errors = await Promise.all([
      rejectionOf(client.send(new DescribeSourceServersCommand({}))),
      rejectionOf(client.send(new DescribeJobsCommand({}))),
      rejectionOf(client.send(new ListStagingAccountsCommand({}))),
      rejectionOf(client.send(new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: 's-1234567890abcdef0' }] }))),
      rejectionOf(client.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:drs:us-east-1:${NEW_TARGET}:source-server/s-1234567890abcdef0` }))),
    ]);

    for (const error of errors) {
      expect(error).toBeInstanceOf(UninitializedAccountException);
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toBe(`Account ${NEW_TARGET} has not been initialized for Elastic Disaster Recovery in us-east-1: call InitializeService first`);
    }
    expect(drs.calls().map((call) => call.errorType)).toEqual(Array(5).fill('UninitializedAccountException'));
  });

  it('leaves the other accounts, and the account in its other Regions, working', async () => {
    await start([{ account: NEW_TARGET, region: 'us-east-1' }]);

    const home = await drsClientFor(drs).send(new DescribeSourceServersCommand({}));
    const west = await (await newTargetClient('us-west-2')).send(new DescribeSourceServersCommand({}));

    expect(home.items!.map((s) => s.sourceProperties?.identificationHints?.hostname)).toEqual(['orders-db-1']);
    expect(west.items!.map((s) => s.sourceProperties?.identificationHints?.hostname)).toEqual(['orders-web-1']);
  });

  it('works after InitializeService (204), in that Region only when the declaration names none', async () => {
    await start(['new-target'], false);
    const east = await newTargetClient();
    const beforeWest = await rejectionOf((await newTargetClient('eu-west-1')).send(new DescribeJobsCommand({})));

    const initialized = await east.send(new InitializeServiceCommand({}));
    const again = await east.send(new InitializeServiceCommand({}));
    const servers = await east.send(new DescribeSourceServersCommand({}));
    const afterWest = await rejectionOf((await newTargetClient('eu-west-1')).send(new DescribeJobsCommand({})));

    expect(beforeWest).toBeInstanceOf(UninitializedAccountException);
    expect(initialized.$metadata.httpStatusCode).toBe(204);
    expect(again.$metadata.httpStatusCode).toBe(204);
    expect(servers.items).toEqual([]);
    expect(afterWest).toBeInstanceOf(UninitializedAccountException);
  });
});

describe('declaring uninitialized accounts in a scenario', () => {
  it('takes an account ID or alias, with or without a Region', () => {
    const parsed = parseScenario(scenario(['new-target', { account: '111122223333', region: 'eu-west-1' }], false));

    expect(parsed.uninitialized).toEqual([
      { account: NEW_TARGET, region: undefined },
      { account: '111122223333', region: 'eu-west-1' },
    ]);
  });

  it('refuses an unknown account, a malformed Region and an unknown key, naming the field', () => {
    expect(() => parseScenario(scenario([{ account: 'nowhere' }]))).toThrow(/uninitialized\.0\.account: unknown account nowhere; declared accounts: 111122223333 \(recovery\), 222233334444 \(new-target\)/);
    expect(() => parseScenario(scenario([{ account: NEW_TARGET, region: 'US East' }]))).toThrow(/uninitialized\.0\.region: a Region looks like us-east-1/);
    expect(() => parseScenario(scenario([{ account: NEW_TARGET, regions: ['us-east-1'] } as never]))).toThrow(/unknown key regions \(did you mean region\?\): an uninitialized entry takes account, region/);
  });

  it('refuses a source server in an account and Region declared uninitialized: nothing replicates there', () => {
    expect(() => parseScenario(scenario([{ account: 'new-target', region: 'us-west-2' }]))).toThrow(
      /sourceServers\.1: account 222233334444 is not initialized for DRS in us-west-2 \(uninitialized\.0\), so nothing can replicate there/,
    );
  });
});
