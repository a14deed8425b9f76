import { afterEach, describe, expect, it } from 'vitest';
import { DescribeSourceServersCommand, ServiceQuotaExceededException, StartRecoveryCommand } from '@aws-sdk/client-drs';
import { generateScenario, quotaCodes } from '#local/drs/index.ts';
import { TEST_START_TIME, rejectionOf, startTestDrs, type TestDrs } from './helpers.ts';

let t: TestDrs;
afterEach(async () => {
  await t.drs.stop();
});

async function startWithServers(count: number): Promise<string[]> {
  t = await startTestDrs(generateScenario({ servers: count, startTime: TEST_START_TIME }));
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await t.client.send(new DescribeSourceServersCommand({ nextToken }));
    ids.push(...page.items!.map((s) => s.sourceServerID!));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

const drill = (ids: string[]) => new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })) });

describe('DRS service quotas', () => {
  it('refuses more than 100 source servers in one job with ServiceQuotaExceededException (402)', async () => {
    const ids = await startWithServers(150);

    const error = await rejectionOf(t.client.send(drill(ids.slice(0, 101))));
    const atLimit = await t.client.send(drill(ids.slice(0, 100)));

    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.$metadata.httpStatusCode).toBe(402);
    expect(error).toMatchObject({ quotaCode: quotaCodes.serversPerJob, serviceCode: 'drs' });
    expect(atLimit.job?.participatingServers).toHaveLength(100);
  });

  it('refuses a 21st concurrent job', async () => {
    const ids = await startWithServers(30);
    for (let i = 0; i < 20; i++) await t.client.send(drill([ids[i]!]));

    const error = await rejectionOf(t.client.send(drill([ids[20]!])));

    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.quotaCode).toBe(quotaCodes.concurrentJobs);
  });

  it('refuses more than 500 source servers across active jobs, and accepts again once jobs complete', async () => {
    const ids = await startWithServers(600);
    for (let i = 0; i < 5; i++) await t.client.send(drill(ids.slice(i * 100, (i + 1) * 100)));

    const error = await rejectionOf(t.client.send(drill([ids[500]!])));
    t.drs.advanceBy(4 * 3600);
    const afterCompletion = await t.client.send(drill([ids[500]!]));

    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.quotaCode).toBe(quotaCodes.serversInActiveJobs);
    expect(afterCompletion.job?.status).toBe('PENDING');
  });
});
