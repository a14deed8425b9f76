// The local Step Functions service on the wire: SigV4 checked against the identity store first,
// errors as JSON 1.0 documents with Step Functions' codes, and the AWS CLI served as AWS serves it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { RECOVERY_STATE_MACHINE, REGION, functionRole, operator, signedCall, startTestStepFunctions, type TestStepFunctions } from './helpers.ts';

let t: TestStepFunctions;
beforeEach(async () => {
  t = await startTestStepFunctions();
});
afterEach(async () => {
  await t.sfn.stop();
});

describe('SigV4: requests are authenticated with the secret of their access key', () => {
  it('refuses a request signed with the wrong secret with InvalidSignatureException (400), before looking at the execution', async () => {
    const execution = t.sfn.executions.start({ stateMachineArn: RECOVERY_STATE_MACHINE, name: 'run-1', input: '{}', startDate: new Date() });
    const tampered = { ...operator, secretAccessKey: `${operator.secretAccessKey}x` };

    const error = await t.clientWith(tampered).send(new DescribeExecutionCommand({ executionArn: execution.executionArn })).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining('The request signature we calculated does not match the signature you provided.'),
      $metadata: { httpStatusCode: 400 },
    });
    expect(t.sfn.calls()).toMatchObject([{ operation: 'DescribeExecution', status: 400, errorCode: 'InvalidSignatureException' }]);
  });

  it('refuses an access key no account has, and session credentials without their token, with UnrecognizedClientException', async () => {
    const { sessionToken: _dropped, ...withoutToken } = functionRole;
    const list = new ListExecutionsCommand({ stateMachineArn: RECOVERY_STATE_MACHINE });

    const unknownKey = await t.clientWith({ accessKeyId: 'AKIANOBODYHASTHIS001', secretAccessKey: 'whatever' }).send(list).catch((e: unknown) => e);
    const noToken = await t.clientWith(withoutToken).send(list).catch((e: unknown) => e);

    expect(unknownKey).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid', $metadata: { httpStatusCode: 400 } });
    expect(noToken).toMatchObject({ name: 'UnrecognizedClientException' });
  });
});

describe('the JSON 1.0 protocol on the wire', () => {
  it('answers an error as {"__type", "message"} with Step Functions\' namespace', async () => {
    const unknown = `arn:aws:states:${REGION}:111122223333:execution:drs-orchestrator-local-recovery:nope`;

    const response = await signedCall(t.sfn, 'AWSStepFunctions.DescribeExecution', JSON.stringify({ executionArn: unknown }), operator);

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ __type: 'com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist', message: `Execution Does Not Exist: '${unknown}'` });
  });

  it('answers a missing required member with a coral ValidationException, and an operation it does not implement with UnknownOperationException', async () => {
    const missing = await signedCall(t.sfn, 'AWSStepFunctions.StopExecution', '{}', operator);
    const notImplemented = await signedCall(t.sfn, 'AWSStepFunctions.StartExecution', JSON.stringify({ stateMachineArn: RECOVERY_STATE_MACHINE }), operator);

    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body)).toEqual({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null",
    });
    expect(notImplemented.status).toBe(400);
    expect(JSON.parse(notImplemented.body)).toMatchObject({ __type: 'com.amazon.coral.service#UnknownOperationException' });
  });

  it('serves the AWS CLI: describe-execution with credentials from the environment', async () => {
    const execution = t.sfn.executions.start({ stateMachineArn: RECOVERY_STATE_MACHINE, name: 'from-cli', input: '{"plan":"payments"}', startDate: new Date('2026-03-01T02:00:00Z') });
    execution.end({ status: 'SUCCEEDED', stopDate: new Date('2026-03-01T02:31:14Z'), output: '{"status":"SUCCEEDED"}' });
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

    // Asynchronous: the service answers from this same process.
    const { stdout } = await promisify(execFile)(
      'aws',
      ['stepfunctions', 'describe-execution', '--execution-arn', execution.executionArn, '--endpoint-url', t.sfn.endpoint, '--output', 'json'],
      { env },
    );

    expect(JSON.parse(stdout)).toMatchObject({
      executionArn: execution.executionArn,
      stateMachineArn: RECOVERY_STATE_MACHINE,
      status: 'SUCCEEDED',
      input: '{"plan":"payments"}',
      output: '{"status":"SUCCEEDED"}',
      // The CLI v1 prints the epoch seconds it received.
      startDate: Date.parse('2026-03-01T02:00:00Z') / 1000,
      stopDate: Date.parse('2026-03-01T02:31:14Z') / 1000,
    });
  });
});
