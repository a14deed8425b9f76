import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ListTopicsCommand, PublishCommand } from '@aws-sdk/client-sns';
import { parseSnsScenario, SnsScenarioError, startLocalSns, type LocalSns } from '#local/sns/index.ts';
import { snsClientFor } from '#local/sns/client.ts';

let running: LocalSns | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function scenarioError(block: unknown): string {
  try {
    parseSnsScenario(block);
  } catch (error) {
    expect(error).toBeInstanceOf(SnsScenarioError);
    return (error as Error).message;
  }
  throw new Error('the block was accepted');
}

describe('the sns: block of a scenario', () => {
  it('reads topics with the home account and Region as defaults', () => {
    const document = parseYaml(`
sns:
  topics:
    - name: drs-orchestrator-local-operator-alerts
    - name: staging-alerts
      account: '444455556666'
      region: eu-west-1
    - name: approvals.fifo
      contentBasedDeduplication: true
`);

    expect(parseSnsScenario(document.sns)).toEqual({
      topics: [
        { name: 'drs-orchestrator-local-operator-alerts' },
        { name: 'staging-alerts', account: '444455556666', region: 'eu-west-1' },
        { name: 'approvals.fifo', contentBasedDeduplication: true },
      ],
    });
    expect(parseSnsScenario(undefined)).toEqual({ topics: [] });
  });

  it('refuses unknown keys, bad names, accounts and Regions, naming the field', () => {
    expect(scenarioError({ topics: [{ name: 'alerts', acount: '111122223333' }] })).toBe('invalid sns:\n- sns.topics.0: Unrecognized key: "acount"');
    expect(scenarioError({ topic: [] })).toContain('sns: Unrecognized key: "topic"');
    expect(scenarioError({ topics: [{ name: 'operator alerts' }] })).toContain('sns.topics.0.name: a topic name is 1-256 letters, digits, underscores and hyphens');
    expect(scenarioError({ topics: [{ name: 'alerts', account: 111122223333 }] })).toContain('sns.topics.0.account: an account ID is a 12-digit string (quote it in YAML');
    expect(scenarioError({ topics: [{ name: 'alerts', region: 'US East' }] })).toContain('sns.topics.0.region: a Region looks like us-east-1');
    expect(scenarioError({ topics: [{ name: 'alerts', contentBasedDeduplication: true }] })).toContain('sns.topics.0.contentBasedDeduplication: contentBasedDeduplication is for FIFO topics');
  });

  it('startLocalSns refuses an invalid block before it listens', async () => {
    await expect(startLocalSns({ scenario: { topics: [{ nme: 'x' }] } })).rejects.toThrow(SnsScenarioError);
    await expect(startLocalSns({ topics: ['not-an-arn'] })).rejects.toThrow('not-an-arn is not a topic ARN');
  });
});

describe('startLocalSns and snsClientFor with the defaults', () => {
  it('declares the topics of `topics` and the scenario; the default client publishes as the default account in the home Region', async () => {
    running = await startLocalSns({ topics: ['arn:aws:sns:us-east-1:111122223333:drs-orchestrator-local-operator-alerts'], scenario: { topics: [{ name: 'drill-events' }] } });
    const client = snsClientFor(running);

    const { Topics } = await client.send(new ListTopicsCommand({}));
    await client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:drs-orchestrator-local-operator-alerts', Subject: 'Approval requested', Message: 'hello' }));

    expect(running).toMatchObject({ region: 'us-east-1', accountId: '111122223333', endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(Topics?.map((topic) => topic.TopicArn)).toEqual(['arn:aws:sns:us-east-1:111122223333:drill-events', 'arn:aws:sns:us-east-1:111122223333:drs-orchestrator-local-operator-alerts']);
    expect(running.published()).toMatchObject([{ subject: 'Approval requested', message: 'hello', account: '111122223333', region: 'us-east-1', caller: 'arn:aws:sts::111122223333:assumed-role/drs-orchestrator-function/drs-orchestrator-function' }]);
    expect(running.countCalls()).toBe(2);
  });

  it('puts scenario topics without account or Region in `home`, and stamps messages with `now`', async () => {
    running = await startLocalSns({ home: { account: '111122223333', region: 'eu-west-1' }, scenario: { topics: [{ name: 'alerts' }] }, now: () => new Date('2026-12-01T02:00:00Z') });

    await snsClientFor(running).send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts', Message: 'hello' }));

    expect(running.region).toBe('eu-west-1');
    expect(running.published('arn:aws:sns:eu-west-1:111122223333:alerts')).toMatchObject([{ at: '2026-12-01T02:00:00.000Z', region: 'eu-west-1' }]);
  });
});
