// Shared set-up for the local DRS service tests: a service on an ephemeral port with frozen
// simulated time (speed 0) so the tests move time only through advanceBy.
import { afterEach, beforeEach } from 'vitest';
import { DescribeSourceServersCommand, type DrsClient, type SourceServer } from '@aws-sdk/client-drs';
import { loadScenario, startLocalDrs, defaultScenarioPath, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';

export const TEST_START_TIME = '2026-01-05T02:00:00.000Z';

export interface TestDrs {
  drs: LocalDrs;
  client: DrsClient;
}

/** The default scenario with a fixed start time, optionally changed by `edit`. */
export async function defaultScenario(edit: (scenario: Scenario) => void = () => undefined): Promise<Scenario> {
  const scenario: Scenario = { ...(await loadScenario(defaultScenarioPath)), startTime: TEST_START_TIME };
  edit(scenario);
  return scenario;
}

/**
 * Unsigned raw calls and tests that sign with dummy keys land in the scenario's account
 * (`unknownCredentials: 'homeAccount'`); multi-account.test.ts checks the strict default.
 */
/**
 * A fresh local DRS service for each test of the file (started before, stopped after): `t.drs`
 * and `t.client` are the current test's.
 */
export function useTestDrs(): TestDrs {
  let current: TestDrs | undefined;
  beforeEach(async () => {
    current = await startTestDrs();
  });
  afterEach(async () => {
    await current?.drs.stop();
  });
  const now = (): TestDrs => {
    if (current === undefined) throw new Error('useTestDrs: the service exists only inside a test');
    return current;
  };
  return {
    get drs() {
      return now().drs;
    },
    get client() {
      return now().client;
    },
  };
}

export async function startTestDrs(scenario?: Scenario): Promise<TestDrs> {
  const drs = await startLocalDrs({ scenario: scenario ?? (await defaultScenario()), speed: 0, port: 0, unknownCredentials: 'homeAccount' });
  return { drs, client: drsClientFor(drs) };
}

export async function sourceServerByHostname(client: DrsClient, hostname: string): Promise<SourceServer> {
  const { items = [] } = await client.send(new DescribeSourceServersCommand({}));
  const server = items.find((s) => s.sourceProperties?.identificationHints?.hostname === hostname);
  if (!server) throw new Error(`no source server ${hostname}`);
  return server;
}

export async function serverIds(client: DrsClient, hostnames: string[]): Promise<string[]> {
  return Promise.all(hostnames.map(async (h) => (await sourceServerByHostname(client, h)).sourceServerID!));
}

/** Catches the error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, any>;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** A raw HTTP call, for what the SDK would never send. */
export async function rawCall(drs: LocalDrs, method: string, path: string, body?: string | Uint8Array) {
  const response = await fetch(`${drs.endpoint}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    requestId: response.headers.get('x-amzn-requestid'),
    retryAfter: response.headers.get('retry-after'),
    body: text ? (JSON.parse(text) as Record<string, any>) : undefined,
  };
}

import { DescribeJobsCommand, type Job } from '@aws-sdk/client-drs';

/** Moves simulated time in steps until the job is COMPLETED; returns it as DescribeJobs shows it. */
export async function waitForJob(t: TestDrs, jobID: string, stepSeconds = 60, maxSteps = 500): Promise<Job> {
  for (let step = 0; step < maxSteps; step++) {
    const { items = [] } = await t.client.send(new DescribeJobsCommand({ filters: { jobIDs: [jobID] } }));
    if (items[0]?.status === 'COMPLETED') return items[0];
    t.drs.advanceBy(stepSeconds);
  }
  throw new Error(`job ${jobID} did not complete`);
}
