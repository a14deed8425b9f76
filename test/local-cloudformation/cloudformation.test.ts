// The local CloudFormation service driven by the unmodified @aws-sdk/client-cloudformation (and one
// call from the AWS CLI): DescribeStacks and DeleteStack as CloudFormation answers them, stacks kept
// per account and Region, SigV4 checked against the shared identity store, deletions that take
// the service's (simulated) time, a delete that fails, and what the local DRS service does in it
// in-process when it recovers a network.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalCloudFormation, type LocalCloudFormation } from '#local/cloudformation/index.ts';
import { cloudFormationClientFor } from '#local/cloudformation/client.ts';
import { DEFAULT_ACCOUNT_ID, defaultCredentials, IdentityStore, type Identity } from '#local/identity/index.ts';

const OTHER_ACCOUNT = '222233334444';
const otherUser = { accessKeyId: 'AKIAOTHERACCOUNT0001', secretAccessKey: 'other-secret' };
const identity: Identity = {
  accounts: [
    {
      id: DEFAULT_ACCOUNT_ID,
      principals: [{ arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:role/drs-orchestrator-function`, sessionName: 'drs-orchestrator-function', ...defaultCredentials }],
    },
    { id: OTHER_ACCOUNT, principals: [{ arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/operator`, ...otherUser }] },
  ],
};

/** A clock the test moves: the service answers in simulated time, as beside the local DRS service. */
let nowMs = Date.parse('2026-12-01T02:00:00Z');
const clock = { nowMs: () => nowMs };
const advance = (seconds: number) => {
  nowMs += seconds * 1000;
};

let cfn: LocalCloudFormation;

beforeEach(async () => {
  nowMs = Date.parse('2026-12-01T02:00:00Z');
  cfn = await startLocalCloudFormation({
    identity: new IdentityStore(identity),
    clock,
    home: { account: DEFAULT_ACCOUNT_ID, region: 'eu-west-1' },
    scenario: {
      deleteSeconds: 90,
      stacks: [
        { name: 'payments-vpc-recovery', createdAt: '2026-11-01T10:00:00Z', tags: { Application: 'payments' } },
        { name: 'orders-vpc', region: 'us-east-1' },
        { name: 'stuck-vpc', status: 'DELETE_FAILED' },
      ],
      faults: [{ type: 'deleteFailure', stackName: 'stuck-vpc', reason: 'The following resource(s) failed to delete: [InternetGateway]. ', times: 1 }],
    },
  });
});

afterEach(async () => {
  await cfn.stop();
});

describe('the local CloudFormation service, through the unmodified SDK', () => {
  it('describes a stack by its name: ID, status, creation time and tags as CloudFormation writes them', async () => {
    const { Stacks } = await cloudFormationClientFor(cfn).send(new DescribeStacksCommand({ StackName: 'payments-vpc-recovery' }));

    expect(Stacks).toHaveLength(1);
    expect(Stacks![0]).toMatchObject({
      StackName: 'payments-vpc-recovery',
      StackStatus: 'CREATE_COMPLETE',
      CreationTime: new Date('2026-11-01T10:00:00Z'),
      Tags: [{ Key: 'Application', Value: 'payments' }],
      Outputs: [],
    });
    expect(Stacks![0].StackId).toMatch(/^arn:aws:cloudformation:eu-west-1:111122223333:stack\/payments-vpc-recovery\/[0-9a-f-]{36}$/);
  });

  it('answers a name no stack has with ValidationError "Stack with id … does not exist" (status 400), as CloudFormation does', async () => {
    const error = await cloudFormationClientFor(cfn).send(new DescribeStacksCommand({ StackName: 'no-such-stack' })).catch((thrown: unknown) => thrown);

    expect(error).toMatchObject({ name: 'ValidationError', message: 'Stack with id no-such-stack does not exist', $metadata: { httpStatusCode: 400 } });
  });

  it('deletes a stack over the service\'s time: DELETE_IN_PROGRESS, then gone by its name and DELETE_COMPLETE by its stack ID', async () => {
    const client = cloudFormationClientFor(cfn);
    const stackId = (await client.send(new DescribeStacksCommand({ StackName: 'payments-vpc-recovery' }))).Stacks![0].StackId!;

    await client.send(new DeleteStackCommand({ StackName: stackId }));
    const deleting = (await client.send(new DescribeStacksCommand({ StackName: 'payments-vpc-recovery' }))).Stacks![0];
    advance(90);
    const byName = await client.send(new DescribeStacksCommand({ StackName: 'payments-vpc-recovery' })).catch((thrown: Error) => thrown.message);
    const byId = (await client.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks![0];

    expect(deleting).toMatchObject({ StackStatus: 'DELETE_IN_PROGRESS', StackStatusReason: 'User Initiated' });
    expect(byName).toBe('Stack with id payments-vpc-recovery does not exist');
    expect(byId).toMatchObject({ StackStatus: 'DELETE_COMPLETE', DeletionTime: new Date('2026-12-01T02:01:30Z') });
    expect(cfn.state({ region: 'eu-west-1' }).stacks.map((stack) => stack.stackName)).toEqual(['stuck-vpc']);
  });

  it('answers DeleteStack of a stack that does not exist, or is already deleted, with success and changes nothing', async () => {
    const client = cloudFormationClientFor(cfn);

    await client.send(new DeleteStackCommand({ StackName: 'no-such-stack' }));
    await client.send(new DeleteStackCommand({ StackName: 'payments-vpc-recovery' }));
    await client.send(new DeleteStackCommand({ StackName: 'payments-vpc-recovery' }));
    advance(90);
    await client.send(new DeleteStackCommand({ StackName: 'payments-vpc-recovery' }));

    expect(cfn.state({ includeDeleted: true }).stacks.find((stack) => stack.stackName === 'payments-vpc-recovery')).toMatchObject({ status: 'DELETE_COMPLETE', deleteAttempts: 1 });
    expect(cfn.countCalls('DeleteStack')).toBe(4);
  });

  it('ends a deletion the scenario makes fail in DELETE_FAILED with its reason; deleting again succeeds once the fault is spent', async () => {
    const client = cloudFormationClientFor(cfn);

    await client.send(new DeleteStackCommand({ StackName: 'stuck-vpc' }));
    advance(90);
    const failed = (await client.send(new DescribeStacksCommand({ StackName: 'stuck-vpc' }))).Stacks![0];
    await client.send(new DeleteStackCommand({ StackName: 'stuck-vpc' }));
    advance(90);

    expect(failed).toMatchObject({ StackStatus: 'DELETE_FAILED', StackStatusReason: 'The following resource(s) failed to delete: [InternetGateway]. ' });
    expect(cfn.state({ region: 'eu-west-1' }).stacks.map((stack) => stack.stackName)).toEqual(['payments-vpc-recovery']);
  });

  it('keeps stacks per account and Region: the Region of the signature and the account of the credentials decide what is seen', async () => {
    const inUsEast1 = cloudFormationClientFor(cfn, { region: 'us-east-1' });
    const otherAccount = cloudFormationClientFor(cfn, { credentials: otherUser });

    const east = await inUsEast1.send(new DescribeStacksCommand({}));
    const other = await otherAccount.send(new DescribeStacksCommand({}));
    await otherAccount.send(new DeleteStackCommand({ StackName: 'payments-vpc-recovery' }));

    expect(east.Stacks?.map((stack) => stack.StackName)).toEqual(['orders-vpc']);
    expect(other.Stacks).toEqual([]);
    expect(cfn.state().stacks.find((stack) => stack.stackName === 'payments-vpc-recovery')?.status).toBe('CREATE_COMPLETE');
    expect(cfn.calls().at(-1)).toMatchObject({ action: 'DeleteStack', account: OTHER_ACCOUNT, region: 'eu-west-1', status: 200 });
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and unknown keys with InvalidClientTokenId (403), checked against the identity store', async () => {
    const wrongSecret = await cloudFormationClientFor(cfn, { credentials: { ...otherUser, secretAccessKey: 'wrong' } }).send(new DescribeStacksCommand({})).catch((thrown: unknown) => thrown);
    const unknownKey = await cloudFormationClientFor(cfn, { credentials: { accessKeyId: 'AKIANOBODY0000000001', secretAccessKey: 'x' } }).send(new DescribeStacksCommand({})).catch((thrown: unknown) => thrown);

    expect(wrongSecret).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    expect(unknownKey).toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
  });

  it('serves the AWS CLI: `aws cloudformation describe-stacks --endpoint-url`', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: '/nonexistent',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: defaultCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: defaultCredentials.secretAccessKey,
      AWS_SESSION_TOKEN: defaultCredentials.sessionToken,
    };
    // Asynchronous: the service answers from this same process.
    const { stdout } = await promisify(execFile)('aws', ['cloudformation', 'describe-stacks', '--stack-name', 'payments-vpc-recovery', '--endpoint-url', cfn.endpoint, '--output', 'json'], { env });

    const [stack] = JSON.parse(stdout).Stacks;
    expect(stack).toMatchObject({ StackName: 'payments-vpc-recovery', StackStatus: 'CREATE_COMPLETE', Tags: [{ Key: 'Application', Value: 'payments' }] });
  });
});

describe('what the local DRS service does in it in-process (a network recovery)', () => {
  const home = { account: DEFAULT_ACCOUNT_ID, region: 'eu-west-1' };

  it('creates a stack CREATE_IN_PROGRESS, completes it, updates it; a name taken is AlreadyExistsException', async () => {
    const created = cfn.stacks.createStack(home, { stackName: 'drs-network-sn-0eab2ab7047b27968' }, nowMs);
    const completed = cfn.stacks.finishStackOperation(created.stackId, nowMs + 60_000);
    cfn.stacks.updateStack(home, 'drs-network-sn-0eab2ab7047b27968', nowMs + 120_000);
    const updated = cfn.stacks.finishStackOperation(created.stackId, nowMs + 180_000);

    expect(created.status).toBe('CREATE_IN_PROGRESS');
    expect(completed.status).toBe('CREATE_COMPLETE');
    expect(updated).toMatchObject({ status: 'UPDATE_COMPLETE', lastUpdatedTime: '2026-12-01T02:03:00.000Z' });
    expect(() => cfn.stacks.createStack(home, { stackName: 'drs-network-sn-0eab2ab7047b27968' }, nowMs)).toThrow(/already exists/);
  });

  it('leaves a failed creation ROLLBACK_COMPLETE: it cannot be updated, only deleted', async () => {
    const created = cfn.stacks.createStack(home, { stackName: 'broken-vpc' }, nowMs);
    cfn.stacks.finishStackOperation(created.stackId, nowMs, { failure: 'The following resource(s) failed to create: [Subnet1]. ' });

    expect(() => cfn.stacks.updateStack(home, 'broken-vpc', nowMs)).toThrow(`Stack:${created.stackId} is in ROLLBACK_COMPLETE state and can not be updated.`);
    await cloudFormationClientFor(cfn).send(new DeleteStackCommand({ StackName: 'broken-vpc' }));
    advance(90);
    expect(cfn.state().stacks.map((stack) => stack.stackName)).not.toContain('broken-vpc');
  });

  it('refuses to delete a stack while its update is in progress, in CloudFormation\'s words', async () => {
    const updating = cfn.stacks.updateStack(home, 'payments-vpc-recovery', nowMs);

    const error = await cloudFormationClientFor(cfn).send(new DeleteStackCommand({ StackName: 'payments-vpc-recovery' })).catch((thrown: unknown) => thrown);

    expect(error).toMatchObject({ name: 'ValidationError', message: `Stack [${updating.stackId}] cannot be deleted while in status UPDATE_IN_PROGRESS` });
  });
});
