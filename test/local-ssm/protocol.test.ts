// The local SSM service on the wire: SigV4 checked against the identity store first, errors as
// JSON 1.1 documents with SSM's codes, ssmClientFor's defaults, and the AWS CLI served as AWS serves it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DescribeDocumentCommand, GetAutomationExecutionCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { IdentityStore, DEFAULT_ACCOUNT_ID, defaultIdentity } from '#local/identity/index.ts';
import { startLocalSsm, type LocalSsm } from '#local/ssm/index.ts';
import { ssmClientFor } from '#local/ssm/client.ts';
import { REGION, SMOKE_TEST, failureOf, functionRole, operator, signedCall, startTestSsm, type TestSsm } from './helpers.ts';

let t: TestSsm | undefined;
let local: LocalSsm | undefined;
afterEach(async () => {
  await t?.ssm.stop();
  await local?.stop();
  t = undefined;
  local = undefined;
});

describe('SigV4: requests are authenticated with the secret of their access key', () => {
  it('refuses a request signed with the wrong secret with InvalidSignatureException (400), starting nothing', async () => {
    t = await startTestSsm();
    const tampered = { ...operator, secretAccessKey: `${operator.secretAccessKey}x` };

    const error = await failureOf(t.client(tampered).send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] } })));

    expect(error).toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining('The request signature we calculated does not match the signature you provided.'),
      $metadata: { httpStatusCode: 400 },
    });
    expect(t.ssm.state().executions).toEqual([]);
    expect(t.ssm.calls()).toMatchObject([{ operation: 'StartAutomationExecution', status: 400, errorCode: 'InvalidSignatureException' }]);
  });

  it('refuses an unknown access key, session credentials without their token, and an unsigned request', async () => {
    t = await startTestSsm();
    const { sessionToken: _dropped, ...withoutToken } = functionRole;
    const describe = new DescribeDocumentCommand({ Name: 'Payments-SmokeTest' });

    const unknownKey = await failureOf(t.client({ accessKeyId: 'AKIANOBODYHASTHIS001', secretAccessKey: 'whatever' }).send(describe));
    const noToken = await failureOf(t.client(withoutToken).send(describe));
    const unsigned = await fetch(`${t.ssm.endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.DescribeDocument' }, body: '{}' });

    expect(unknownKey).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid', $metadata: { httpStatusCode: 400 } });
    expect(noToken).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ __type: 'com.amazon.coral.service#MissingAuthenticationTokenException' });
  });

  it('refuses a signature scoped to another service than ssm', async () => {
    t = await startTestSsm();

    const error = await failureOf(t.client(operator, { signingName: 'states' } as never).send(new DescribeDocumentCommand({ Name: 'Payments-SmokeTest' })));

    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(t.ssm.calls()[0].errorCode).toMatch(/InvalidSignatureException|IncompleteSignatureException/);
  });
});

describe('the JSON 1.1 protocol on the wire', () => {
  it('answers an SSM error as {"__type": "<code>", "message"} with the JSON 1.1 content type', async () => {
    t = await startTestSsm();
    const unknown = '6f1d2c3b-0000-4000-8000-000000000000';

    const response = await signedCall(t.ssm, 'AmazonSSM.GetAutomationExecution', JSON.stringify({ AutomationExecutionId: unknown }));

    expect(response.status).toBe(400);
    expect(response.contentType).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(response.body)).toEqual({ __type: 'AutomationExecutionNotFoundException', message: `Automation execution ${unknown} was not found` });
  });

  it('answers a missing required member with a coral ValidationException, an unimplemented operation with UnknownOperationException, a body that is not JSON with SerializationException', async () => {
    t = await startTestSsm();

    const missing = await signedCall(t.ssm, 'AmazonSSM.StartAutomationExecution', '{}');
    const notImplemented = await signedCall(t.ssm, 'AmazonSSM.SendCommand', JSON.stringify({ DocumentName: 'AWS-RunShellScript' }));
    const notJson = await signedCall(t.ssm, 'AmazonSSM.DescribeDocument', 'Name=Payments-SmokeTest');

    expect(JSON.parse(missing.body)).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: "1 validation error detected: Value null at 'documentName' failed to satisfy constraint: Member must not be null",
    });
    expect(notImplemented.status).toBe(400);
    expect(JSON.parse(notImplemented.body)).toMatchObject({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    expect(JSON.parse(notJson.body)).toMatchObject({ __type: 'com.amazon.coral.service#SerializationException' });
  });

  it('refuses what it does not run (Targets, TargetLocations) instead of ignoring it', async () => {
    t = await startTestSsm();

    const error = await failureOf(
      t.client().send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', TargetParameterName: 'InstanceIds', Targets: [{ Key: 'tag:App', Values: ['payments'] }] })),
    );

    expect(error).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Targets') });
  });
});

describe('startLocalSsm and ssmClientFor: the defaults', () => {
  it('answers the default account in us-east-1 with the default local credentials', async () => {
    local = await startLocalSsm({ identity: new IdentityStore(defaultIdentity), scenario: { documents: [SMOKE_TEST] } });
    const client = ssmClientFor(local);

    const { AutomationExecutionId: id } = await client.send(new StartAutomationExecutionCommand({ DocumentName: 'Payments-SmokeTest', Parameters: { InstanceIds: ['i-1'] } }));
    const { AutomationExecution } = await client.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }));

    expect(local).toMatchObject({ region: 'us-east-1', accountId: DEFAULT_ACCOUNT_ID, endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(AutomationExecution).toMatchObject({ AutomationExecutionId: id, AutomationExecutionStatus: 'Pending' });
    expect(local.state().executions).toMatchObject([{ id, account: DEFAULT_ACCOUNT_ID, region: 'us-east-1' }]);
    expect(local.countCalls()).toBe(2);
  });
});

describe('the AWS CLI', () => {
  it('serves start-automation-execution and get-automation-execution with credentials from the environment', async () => {
    t = await startTestSsm();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: '/nonexistent',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: operator.accessKeyId,
      AWS_SECRET_ACCESS_KEY: operator.secretAccessKey,
    };
    const aws = (...args: string[]) => promisify(execFile)('aws', ['ssm', ...args, '--endpoint-url', t!.ssm.endpoint, '--output', 'json'], { env });

    const started = JSON.parse((await aws('start-automation-execution', '--document-name', 'Payments-SmokeTest', '--parameters', 'InstanceIds=i-0a1b2c3d4e5f60001')).stdout);
    t.clock.advanceSeconds(90);
    const got = JSON.parse((await aws('get-automation-execution', '--automation-execution-id', started.AutomationExecutionId)).stdout);

    expect(got.AutomationExecution).toMatchObject({
      AutomationExecutionId: started.AutomationExecutionId,
      AutomationExecutionStatus: 'Success',
      Parameters: { InstanceIds: ['i-0a1b2c3d4e5f60001'] },
      Outputs: { 'CheckHealth.Status': ['healthy'] },
    });
  });
});
