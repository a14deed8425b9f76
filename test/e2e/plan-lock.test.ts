// One run per plan, enforced by the workflow itself (TakePlanLock, a conditional write in the
// local DynamoDB service), whatever starts the runs. Counted from the local services' state.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalDrs, type LocalDrs } from '#local/drs/index.ts';
import { startLocalDynamoDb, type LocalDynamoDb } from '#local/dynamodb/index.ts';
import { defaultCredentials } from '#local/identity/index.ts';
import { LOCAL_LOCK_TABLE } from '#local/runner/run-local.ts';
import { causeOf, instancesInDrs, runPlan } from './harness.ts';

let service: LocalDrs;
let dynamodb: LocalDynamoDb;
/** The DRS service with the DynamoDB service every run on it shares (one lock table, as on AWS). */
let drs: LocalDrs;

beforeEach(async () => {
  service = await startLocalDrs({ speed: 0 });
  dynamodb = await startLocalDynamoDb({ identity: service.identity });
  drs = Object.assign(Object.create(null), service, { dynamodb: { endpoint: dynamodb.endpoint, createTable: dynamodb.createTable } }) as LocalDrs;
});
afterEach(async () => {
  await dynamodb.stop();
  await service.stop();
});

/** The plan's lock as the table holds it now, or undefined. */
async function lockOfPlan(plan: string): Promise<Record<string, unknown> | undefined> {
  const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: service.region, credentials: defaultCredentials });
  try {
    const { Item } = await client.send(new GetItemCommand({ TableName: LOCAL_LOCK_TABLE, Key: { pk: { S: `plan#${plan}` } }, ConsistentRead: true }));
    return Item;
  } finally {
    client.destroy();
  }
}

const launchJobsOf = (execution: string) => drs.state().jobs.filter((job) => job.type === 'LAUNCH' && job.tags?.['drs-orchestrator:execution'] === execution);

describe('one run per plan', () => {
  it('two starts of one plan at once (a drill from the console, a recovery from an alarm): one run, the other ends naming it and launches nothing', async () => {
    // Act: both started in the same second, on the same services.
    const [first, second] = await Promise.all([
      runPlan({ input: { plan: 'payments', mode: 'drill' }, drs }),
      runPlan({ input: { plan: 'payments', mode: 'recovery', reason: 'alarm payments-primary-down' }, drs }),
    ]);

    const outcomes = [first.result, second.result];
    const winner = outcomes.find((result) => result.status === 'SUCCEEDED');
    const loser = outcomes.find((result) => result.status === 'FAILED');
    expect(winner).toBeDefined();
    expect(loser?.error, loser?.cause).toBe('PlanLockedError');
    expect(causeOf(loser!)).toContain(`is held by`);
    expect(causeOf(loser!)).toContain(winner!.executionName);
    expect(causeOf(loser!)).toContain('nothing');
    expect(launchJobsOf(loser!.executionName)).toHaveLength(0);
    expect(launchJobsOf(winner!.executionName).length).toBeGreaterThan(0);
    // The winner gave the plan back at its end.
    expect(await lockOfPlan('payments')).toBeUndefined();
  });

  it('a run holds its plan while it runs and gives it back at its end; the next run of the plan then starts', async () => {
    const holders: unknown[] = [];
    const first = await runPlan({ input: { plan: 'payments', mode: 'drill' }, drs });
    expect(first.result.status).toBe('SUCCEEDED');
    expect(await lockOfPlan('payments')).toBeUndefined();

    const second = await runPlan({ input: { plan: 'payments', mode: 'drill' }, drs });

    expect(second.result.status).toBe('SUCCEEDED');
    expect(holders).toEqual([]);
    expect(instancesInDrs(drs, true)).toBe(0);
  });

  it('a drill stopped from the console: the stopped-run workflow cleans up and gives the plan back, and the next drill runs', async () => {
    const stopped = await runPlan({ input: { plan: 'payments', mode: 'drill' }, drs, abortAt: { state: 'WaitForLaunch', entry: 1 } });
    expect(stopped.result.status).toBe('ABORTED');
    expect(stopped.result.afterStop?.status).toBe('SUCCEEDED');
    expect(await lockOfPlan('payments')).toBeUndefined();

    const next = await runPlan({ input: { plan: 'payments', mode: 'drill' }, drs });

    expect(next.result.status).toBe('SUCCEEDED');
    expect(instancesInDrs(drs, true)).toBe(0);
  });
});
