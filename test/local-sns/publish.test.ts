import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateTopicCommand, GetTopicAttributesCommand, ListTopicsCommand, PublishCommand, type PublishCommandInput } from '@aws-sdk/client-sns';
import { ALERTS_ARN, FUNCTION_ROLE, OTHER, OTHER_TOPIC_ARN, RECOVERY, REGION, functionRole, otherOperator, signedPost, startTestSns, type TestSns } from './helpers.ts';

let t: TestSns;
beforeEach(async () => {
  t = await startTestSns();
});
afterEach(async () => {
  await t.sns.stop();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function publishError(input: Partial<PublishCommandInput>, client = t.client()): Promise<unknown> {
  return client.send(new PublishCommand(input as PublishCommandInput)).catch((error: unknown) => error);
}

describe('Publish with the unmodified SNSClient', () => {
  it('records a published message with its subject and attributes, and answers its MessageId', async () => {
    const answer = await t.client().send(
      new PublishCommand({
        TopicArn: ALERTS_ARN,
        Subject: 'Approval requested: drill orders-app wave 2',
        Message: JSON.stringify({ plan: 'orders-app', wave: 2 }),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'approval-requested' },
          wave: { DataType: 'Number', StringValue: '2' },
          token: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );

    expect(answer.MessageId).toMatch(UUID);
    expect(answer.SequenceNumber).toBeUndefined();
    expect(t.sns.published(ALERTS_ARN)).toEqual([
      {
        topicArn: ALERTS_ARN,
        messageId: answer.MessageId,
        subject: 'Approval requested: drill orders-app wave 2',
        message: '{"plan":"orders-app","wave":2}',
        attributes: {
          kind: { dataType: 'String', stringValue: 'approval-requested' },
          wave: { dataType: 'Number', stringValue: '2' },
          token: { dataType: 'Binary', binaryValue: 'AQID' },
        },
        account: RECOVERY,
        region: REGION,
        caller: `arn:aws:sts::${RECOVERY}:assumed-role/drs-orchestrator-function/request-approval`,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(t.sns.published()).toHaveLength(1);
    expect(t.sns.published(OTHER_TOPIC_ARN)).toEqual([]);
    expect(t.sns.countCalls('Publish')).toBe(1);
    expect(t.sns.calls()[0]).toMatchObject({ action: 'Publish', topicArn: ALERTS_ARN, account: RECOVERY, region: REGION, status: 200 });
  });

  it('publishes to a topic named by TargetArn, and with a subject of exactly 100 characters', async () => {
    await t.client().send(new PublishCommand({ TargetArn: ALERTS_ARN, Message: 'hello', Subject: 'x'.repeat(100) }));

    expect(t.sns.published(ALERTS_ARN)).toMatchObject([{ message: 'hello', subject: 'x'.repeat(100) }]);
  });

  it('answers NotFound "Topic does not exist" for a topic the account does not have', async () => {
    const error = await publishError({ TopicArn: `arn:aws:sns:${REGION}:${RECOVERY}:no-such-topic`, Message: 'hello' });

    expect(error).toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } });
    expect(t.sns.published()).toEqual([]);
  });

  it('answers NotFound for the declared topic name in another Region (the credential scope chooses the Region)', async () => {
    const error = await publishError({ TopicArn: `arn:aws:sns:eu-west-1:${RECOVERY}:drs-orchestrator-local-operator-alerts`, Message: 'hello' }, t.client(functionRole, { region: 'eu-west-1' }));

    expect(error).toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it('refuses a topic ARN of another Region than the endpoint with InvalidParameter "Invalid parameter: TopicArn"', async () => {
    const error = await publishError({ TopicArn: ALERTS_ARN, Message: 'hello' }, t.client(functionRole, { region: 'eu-west-1' }));

    expect(error).toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: TopicArn', $metadata: { httpStatusCode: 400 } });
  });

  it('answers AuthorizationError for a topic of another account (declared or not)', async () => {
    const declared = await publishError({ TopicArn: OTHER_TOPIC_ARN, Message: 'hello' });
    const undeclared = await publishError({ TopicArn: `arn:aws:sns:${REGION}:${OTHER}:nothing-here`, Message: 'hello' });

    expect(declared).toMatchObject({
      name: 'AuthorizationErrorException',
      message: `User: arn:aws:sts::${RECOVERY}:assumed-role/drs-orchestrator-function/request-approval is not authorized to perform: SNS:Publish on resource: ${OTHER_TOPIC_ARN} because no resource-based policy allows the SNS:Publish action`,
      $metadata: { httpStatusCode: 403 },
    });
    expect(undeclared).toMatchObject({ name: 'AuthorizationErrorException' });
    // The owner publishes to it.
    await t.client(otherOperator).send(new PublishCommand({ TopicArn: OTHER_TOPIC_ARN, Message: 'hello' }));
    expect(t.sns.published(OTHER_TOPIC_ARN)).toMatchObject([{ account: OTHER, caller: `arn:aws:iam::${OTHER}:user/operator` }]);
  });

  it.each([
    ['empty', ''],
    ['101 characters', 'x'.repeat(101)],
    ['a line break', 'Approval\nrequested'],
    ['a control character', 'Approval\u0007'],
    ['a leading space', ' Approval requested'],
  ])('refuses a Subject with %s: InvalidParameter "Invalid parameter: Subject"', async (_case, subject) => {
    const error = await publishError({ TopicArn: ALERTS_ARN, Message: 'hello', Subject: subject });

    expect(error).toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Subject', $metadata: { httpStatusCode: 400 } });
    expect(t.sns.published()).toEqual([]);
  });

  it('refuses a Publish without Message with the model’s ValidationError, and an empty one with "Empty message"', async () => {
    const missing = await publishError({ TopicArn: ALERTS_ARN });
    const empty = await publishError({ TopicArn: ALERTS_ARN, Message: '' });

    expect(missing).toMatchObject({ name: 'ValidationError', message: "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null", $metadata: { httpStatusCode: 400 } });
    expect(empty).toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Empty message' });
  });

  it('refuses a message over 256 KiB (attributes count) with "Invalid parameter: Message too long"', async () => {
    const exactly = 'x'.repeat(262_144 - 'kind'.length - 'String'.length - 1);
    await t.client().send(new PublishCommand({ TopicArn: ALERTS_ARN, Message: exactly, MessageAttributes: { kind: { DataType: 'String', StringValue: 'a' } } }));
    const error = await publishError({ TopicArn: ALERTS_ARN, Message: `${exactly}x`, MessageAttributes: { kind: { DataType: 'String', StringValue: 'a' } } });

    expect(error).toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Message too long' });
    expect(t.sns.published()).toHaveLength(1);
  });

  it('refuses a Publish naming no target, or more than one, and phone numbers and endpoints it does not model', async () => {
    expect(await publishError({ Message: 'hello' })).toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter' });
    expect(await publishError({ TopicArn: ALERTS_ARN, TargetArn: ALERTS_ARN, Message: 'hello' })).toMatchObject({ name: 'InvalidParameterException' });
    expect(await publishError({ PhoneNumber: '+15555550100', Message: 'hello' })).toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/^Invalid parameter: PhoneNumber Reason: /) });
    expect(await publishError({ TargetArn: `arn:aws:sns:${REGION}:${RECOVERY}:endpoint/APNS/app/1234`, Message: 'hello' })).toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/^Invalid parameter: TargetArn Reason: /) });
    expect(await publishError({ TopicArn: 'operator-alerts', Message: 'hello' })).toMatchObject({ message: 'Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1' });
  });

  it('checks message attributes: a type, a value, a supported type prefix, a number', async () => {
    const attributes = (value: Record<string, unknown>) => publishError({ TopicArn: ALERTS_ARN, Message: 'hello', MessageAttributes: { kind: value } as never });

    expect(await attributes({ DataType: 'String' })).toMatchObject({ message: "Invalid parameter: MessageAttributes Reason: The message attribute 'kind' must contain non-empty message attribute value for message attribute type 'String'." });
    expect(await attributes({ DataType: 'Text', StringValue: 'a' })).toMatchObject({ message: "Invalid parameter: MessageAttributes Reason: The message attribute 'kind' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String." });
    expect(await attributes({ DataType: 'Number', StringValue: 'two' })).toMatchObject({ name: 'InvalidParameterException' });
    expect(await attributes({ DataType: 'String.Array', StringValue: '["a", 1]' })).toMatchObject({ MessageId: expect.stringMatching(UUID) });
  });

  it('MessageStructure json needs a "default" entry', async () => {
    const error = await publishError({ TopicArn: ALERTS_ARN, MessageStructure: 'json', Message: '{"email":"hi"}' });
    await t.client().send(new PublishCommand({ TopicArn: ALERTS_ARN, MessageStructure: 'json', Message: '{"default":"hi"}' }));

    expect(error).toMatchObject({ message: 'Invalid parameter: Message Structure - No default entry in JSON message body' });
    expect(t.sns.published()).toMatchObject([{ messageStructure: 'json' }]);
  });

  it('takes MessageGroupId and MessageDeduplicationId for FIFO topics only, and answers a growing SequenceNumber', async () => {
    const fifo = `arn:aws:sns:${REGION}:${RECOVERY}:approvals.fifo`;

    const standard = await publishError({ TopicArn: ALERTS_ARN, Message: 'hello', MessageGroupId: 'g' });
    const noGroup = await publishError({ TopicArn: fifo, Message: 'hello', MessageDeduplicationId: 'd1' });
    const noDeduplication = await publishError({ TopicArn: fifo, Message: 'hello', MessageGroupId: 'g' });
    const first = await t.client().send(new PublishCommand({ TopicArn: fifo, Message: 'hello', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    const second = await t.client().send(new PublishCommand({ TopicArn: fifo, Message: 'hello', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }));

    expect(standard).toMatchObject({ message: 'Invalid parameter: MessageGroupId Reason: The request includes MessageGroupId parameter that is not valid for this topic type' });
    expect(noGroup).toMatchObject({ message: 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics' });
    expect(noDeduplication).toMatchObject({ message: 'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly' });
    expect(first.SequenceNumber).toMatch(/^\d{20}$/);
    expect(BigInt(second.SequenceNumber!)).toBeGreaterThan(BigInt(first.SequenceNumber!));
    expect(t.sns.published(fifo)).toMatchObject([{ messageGroupId: 'g', messageDeduplicationId: 'd1' }, { messageDeduplicationId: 'd2' }]);
  });
});

describe('GetTopicAttributes, CreateTopic, ListTopics', () => {
  it('answers a declared topic’s attributes (a preflight check), NotFound for an unknown one', async () => {
    const { Attributes } = await t.client().send(new GetTopicAttributesCommand({ TopicArn: ALERTS_ARN }));
    const unknown = await t.client().send(new GetTopicAttributesCommand({ TopicArn: `${ALERTS_ARN}-typo` })).catch((e: unknown) => e);

    expect(Attributes).toMatchObject({ TopicArn: ALERTS_ARN, Owner: RECOVERY, SubscriptionsConfirmed: '0' });
    expect(JSON.parse(Attributes!.Policy!)).toMatchObject({ Statement: [{ Resource: ALERTS_ARN }] });
    expect(unknown).toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
  });

  it('creates a topic in the caller’s account and Region (idempotently) and lists the account’s topics', async () => {
    const created = await t.client().send(new CreateTopicCommand({ Name: 'drill-events' }));
    const again = await t.client().send(new CreateTopicCommand({ Name: 'drill-events' }));
    const bad = await t.client().send(new CreateTopicCommand({ Name: 'drill events' })).catch((e: unknown) => e);
    const { Topics } = await t.client().send(new ListTopicsCommand({}));

    expect(created.TopicArn).toBe(`arn:aws:sns:${REGION}:${RECOVERY}:drill-events`);
    expect(again.TopicArn).toBe(created.TopicArn);
    expect(bad).toMatchObject({ name: 'InvalidParameterException', message: 'Invalid parameter: Topic Name' });
    expect(Topics).toEqual([{ TopicArn: ALERTS_ARN }, { TopicArn: `arn:aws:sns:${REGION}:${RECOVERY}:approvals.fifo` }, { TopicArn: created.TopicArn }]);
  });
});

describe('the query protocol on the wire', () => {
  it('answers a PublishResponse document with the RequestId, and reads the query form of MessageAttributes', async () => {
    const form = new URLSearchParams({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: ALERTS_ARN,
      Message: 'raw',
      'MessageAttributes.entry.1.Name': 'kind',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'approval-requested',
    }).toString();

    const response = await signedPost(t.sns, form);

    expect(response.status).toBe(200);
    expect(response.body).toMatch(/^<PublishResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/">\n {2}<PublishResult>\n {4}<MessageId>[0-9a-f-]{36}<\/MessageId>\n {2}<\/PublishResult>\n {2}<ResponseMetadata>\n {4}<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    expect(t.sns.published()).toMatchObject([{ attributes: { kind: { dataType: 'String', stringValue: 'approval-requested' } }, caller: FUNCTION_ROLE.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/request-approval' }]);
  });

  it('answers an unknown action or version with InvalidAction', async () => {
    const response = await signedPost(t.sns, 'Action=Subscribe&Version=2010-03-31');
    const wrongVersion = await signedPost(t.sns, 'Action=Publish&Version=2011-06-15');

    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>InvalidAction</Code>');
    expect(wrongVersion.body).toContain('Could not find operation Publish for version 2011-06-15');
  });
});

describe('SigV4', () => {
  it('refuses a request signed with the wrong secret with SignatureDoesNotMatch, and publishes nothing', async () => {
    const error = await publishError({ TopicArn: ALERTS_ARN, Message: 'hello' }, t.client({ ...functionRole, secretAccessKey: 'wrong' }));

    expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    expect(t.sns.published()).toEqual([]);
    expect(t.sns.calls()).toMatchObject([{ action: 'Publish', status: 403, errorCode: 'SignatureDoesNotMatch' }]);
  });

  it('refuses an unknown access key with InvalidClientTokenId, and a request signed for another service', async () => {
    const unknown = await publishError({ TopicArn: ALERTS_ARN, Message: 'hello' }, t.client({ accessKeyId: 'AKIANOBODYHASTHIS001', secretAccessKey: 'x' }));
    const otherService = await signedPost(t.sns, `Action=Publish&Version=2010-03-31&TopicArn=${encodeURIComponent(ALERTS_ARN)}&Message=hi`, functionRole, 'sqs');

    expect(unknown).toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
    expect(otherService.status).toBe(403);
    expect(otherService.body).toContain("Credential should be scoped to correct service: 'sns'.");
  });
});
