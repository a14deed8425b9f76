// A local run's handlers reach other target accounts as the orchestrator's functions will: the
// runner starts a local STS service over the DRS service's identity store and hands the handlers
// STS_ENDPOINT and ACCOUNTS; a role session from that STS is accepted by DRS in its account.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DescribeSourceServersCommand, DrsClient } from '@aws-sdk/client-drs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { buildFunctions } from '#deploy/build.ts';
import { loadScenario, startLocalDrs as startLocalDrsService } from '#local/drs/index.ts';
import { defaultCredentials } from '#local/identity/index.ts';
import { accountsOfScenario } from '#local/runner/accounts.ts';
import { startLocalDrs, type LocalDrs } from '#local/runner/local-drs.ts';
import { runLocal } from '#local/runner/run-local.ts';
import { fixturesDir, tempDir } from './helpers.ts';

const SHIPPED_SCENARIO = fileURLToPath(new URL('../../scenarios/multi-account.yaml', import.meta.url));
const TARGET_B_ROLE = 'arn:aws:iam::222233334444:role/drs-orchestrator-access';
const accountsFixture = join(fixturesDir, 'accounts');

interface Reached {
  alias: string;
  session?: string;
  hostnames?: string[];
  extensible?: Record<string, string[]>;
  error?: string;
  message?: string;
}
interface ReachOutput {
  stsEndpoint: string;
  accounts: unknown;
  reached: Reached[];
}

let buildDir: string;
let reportsDir: string;

beforeAll(async () => {
  buildDir = await tempDir('accounts-build');
  reportsDir = await tempDir('accounts-reports');
  await buildFunctions({ functionsDir: join(accountsFixture, 'functions'), outDir: buildDir });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs the fixture workflow whose one Task reaches every account of ACCOUNTS. */
async function reachAccounts(options: { scenario?: string; drs?: LocalDrs; accounts?: unknown }) {
  const result = await runLocal({
    input: {},
    plansDir: fixturesDir,
    reportsDir,
    stateMachinePath: join(accountsFixture, 'reach-accounts.asl.yaml'),
    buildDir,
    executionName: 'reach-1',
    ...options,
  });
  expect(result.status, `${result.error}: ${result.cause}`).toBe('SUCCEEDED');
  return result.output as ReachOutput;
}

/** Whether anything still answers at `endpoint`. */
const answers = (endpoint: string) =>
  fetch(endpoint).then(
    () => true,
    () => false,
  );

describe('a local run across accounts', () => {
  it('gives the handlers the scenario\'s accounts and an STS through which the function role reaches target-b with the external ID, stopped after the run', async () => {
    const output = await reachAccounts({ scenario: SHIPPED_SCENARIO });

    expect(output.accounts).toEqual(accountsOfScenario(await loadScenario(SHIPPED_SCENARIO)));
    expect(output.reached).toEqual([
      { alias: 'recovery', hostnames: ['orders-db-1', 'orders-db-2', 'orders-web-5'], extensible: { '444455556666': ['orders-app-1', 'orders-app-2', 'orders-app-3'], '777788889999': ['orders-app-4', 'orders-app-5'] } },
      {
        alias: 'target-b',
        session: 'arn:aws:sts::222233334444:assumed-role/drs-orchestrator-access/drs-reach-1',
        hostnames: ['orders-web-4'],
        extensible: { '333344445555': ['orders-web-1', 'orders-web-2', 'orders-web-3'] },
      },
    ]);
    expect(await answers(output.stsEndpoint)).toBe(false);
  });

  it('brings its own STS to a DRS service started without one, and lets a caller configure a wrong external ID or a role that cannot be assumed', async () => {
    const drs = await startLocalDrsService({ scenario: SHIPPED_SCENARIO, speed: 0 });
    try {
      const derived = accountsOfScenario(drs.scenario)!;
      const wrong = derived.map((account) => (account.alias === 'target-b' ? { ...account, externalId: 'not-the-external-id' } : account));
      const missingRole = [...derived, { alias: 'target-x', accountId: '444455556666', roleArn: 'arn:aws:iam::444455556666:role/drs-orchestrator-access' }];

      const withWrongId = await reachAccounts({ drs, accounts: wrong });
      const withMissingRole = await reachAccounts({ drs, accounts: missingRole });

      const denial = (role: string) => ({
        error: 'AccessDenied',
        message: `User: arn:aws:sts::111122223333:assumed-role/drs-orchestrator-function/drs-orchestrator-function is not authorized to perform: sts:AssumeRole on resource: ${role}`,
      });
      expect(withWrongId.reached.find((r) => r.alias === 'target-b')).toEqual({ alias: 'target-b', ...denial(TARGET_B_ROLE) });
      expect(withMissingRole.reached.find((r) => r.alias === 'target-x')).toEqual({ alias: 'target-x', ...denial('arn:aws:iam::444455556666:role/drs-orchestrator-access') });
      expect(await answers(withWrongId.stsEndpoint)).toBe(false);
      expect(await answers(drs.endpoint)).toBe(true); // a service passed in is left running
    } finally {
      await drs.stop();
    }
  });

  it('gives a single-account run no ACCOUNTS, even when the shell has one, and still an STS', async () => {
    vi.stubEnv('ACCOUNTS', '[{"alias":"from-the-shell","home":true}]');

    const output = await reachAccounts({});

    expect(output.accounts).toBeNull();
    expect(output.stsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('the runner\'s local DRS service', () => {
  it('comes with an STS sharing its identity store: a client signing as the function role assumes target-b\'s role with the external ID and calls DRS there', async () => {
    const drs = await startLocalDrs({ scenario: SHIPPED_SCENARIO, speed: 0 });
    try {
      const sts = new STSClient({ endpoint: drs.sts!.endpoint, region: drs.region, credentials: drs.credentials ?? defaultCredentials });
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({ RoleArn: TARGET_B_ROLE, RoleSessionName: 'drs-payments-drill-1', ExternalId: 'drs-orchestrator-local' }),
      );
      const targetB = new DrsClient({
        endpoint: drs.endpoint,
        region: drs.region,
        credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! },
      });

      const { items = [] } = await targetB.send(new DescribeSourceServersCommand({}));

      expect(items.map((server) => server.sourceProperties?.identificationHints?.hostname).sort()).toEqual(['orders-web-4']);
      expect(items[0]!.arn).toMatch(/^arn:aws:drs:us-east-1:222233334444:source-server\//);
    } finally {
      await drs.stop();
    }
    expect(await answers(drs.sts!.endpoint)).toBe(false);
  });
});
