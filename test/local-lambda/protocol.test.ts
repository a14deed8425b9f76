// The local Lambda service on the wire: SigV4 checked against the identity store first, errors as
// REST-JSON answers (x-amzn-ErrorType, {"Type", "Message"}), what the SDK would never send, and
// the AWS CLI served as AWS serves it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetFunctionConfigurationCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { RECOVERY, REGION, functionRole, operator, signedCall, startTestLambda, type TestLambda } from './helpers.ts';

let t: TestLambda;
beforeEach(async () => {
  t = await startTestLambda();
});
afterEach(async () => {
  await t.lambda.stop();
});

describe('SigV4: requests are authenticated with the secret of their access key', () => {
  it('refuses a request signed with the wrong secret with InvalidSignatureException (403), before running anything', async () => {
    const tampered = { ...operator, secretAccessKey: `${operator.secretAccessKey}x` };

    const error = await t.clientWith(tampered).send(new InvokeCommand({ FunctionName: 'payments-counter' })).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringContaining('The request signature we calculated does not match the signature you provided.'),
      $metadata: { httpStatusCode: 403 },
    });
    expect(t.lambda.calls()).toMatchObject([{ operation: 'Invoke', functionName: 'payments-counter', status: 403, errorCode: 'InvalidSignatureException' }]);
    expect(t.lambda.invocations()).toEqual([]);
  });

  it('refuses an unknown access key, and session credentials without their token, with UnrecognizedClientException', async () => {
    const { sessionToken: _dropped, ...withoutToken } = functionRole;
    const get = new GetFunctionConfigurationCommand({ FunctionName: 'payments-counter' });

    const unknownKey = await t.clientWith({ accessKeyId: 'AKIANOBODYHASTHIS001', secretAccessKey: 'whatever' }).send(get).catch((e: unknown) => e);
    const noToken = await t.clientWith(withoutToken).send(get).catch((e: unknown) => e);

    expect(unknownKey).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid', $metadata: { httpStatusCode: 403 } });
    expect(noToken).toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${t.lambda.endpoint}/2015-03-31/functions/payments-counter/invocations`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
});

describe('the REST-JSON protocol on the wire', () => {
  it('answers an error with x-amzn-ErrorType and {"Type": "User", "Message"}', async () => {
    const response = await signedCall(t.lambda, 'POST', '/2015-03-31/functions/payments-nope/invocations', '{}', operator);

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(response.body)).toEqual({ Type: 'User', Message: `Function not found: arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-nope` });
  });

  it('answers a payload that is not JSON with InvalidRequestContentException (400), without running the function', async () => {
    const error = await t.clientWith(operator).send(new InvokeCommand({ FunctionName: 'payments-counter', Payload: Buffer.from('not json') })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'InvalidRequestContentException', message: expect.stringMatching(/^Could not parse request body into json: /), $metadata: { httpStatusCode: 400 } });
    expect(t.lambda.invocations()).toEqual([]);
  });

  it('answers a payload over 6 MB with RequestTooLargeException (413)', async () => {
    const large = Buffer.from(JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) }));

    const error = await t.clientWith(operator).send(new InvokeCommand({ FunctionName: 'payments-counter', Payload: large })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'RequestTooLargeException', message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation', $metadata: { httpStatusCode: 413 } });
  });

  it('answers an unknown invocation type with ValidationException, and a path no operation serves with UnknownOperationException', async () => {
    const badType = await signedCall(t.lambda, 'POST', '/2015-03-31/functions/payments-counter/invocations', '{}', operator, { 'x-amz-invocation-type': 'Later' });
    const unknown = await signedCall(t.lambda, 'GET', '/2015-03-31/functions/payments-counter', '', operator);

    expect(badType.status).toBe(400);
    expect(badType.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(JSON.parse(badType.body).Message).toBe("1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  it('serves the AWS CLI: invoke with credentials from the environment', async () => {
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

    const scratch = await mkdtemp(join(tmpdir(), 'local-lambda-cli-'));
    const outfile = join(scratch, 'response.json');

    try {
      const { stdout } = await promisify(execFile)('aws', ['lambda', 'invoke', '--function-name', 'payments-counter', '--payload', '{}', '--endpoint-url', t.lambda.endpoint, outfile], { env });

      expect(JSON.parse(stdout)).toEqual({ StatusCode: 200, ExecutedVersion: '$LATEST' });
      expect(JSON.parse(await readFile(outfile, 'utf8'))).toEqual({ count: 1 });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
