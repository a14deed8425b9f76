// Invoke at the local Lambda service, with the unmodified @aws-sdk/client-lambda over HTTP: the
// handler's result, its error and its timeout as Lambda answers them, Event and DryRun
// invocations, the log tail, and whose function a caller sees.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { OUTSIDER, RECOVERY, REGION, functionRole, mallory, operator, startTestLambda, type TestLambda } from './helpers.ts';

const payloadOf = (bytes: Uint8Array | undefined) => JSON.parse(Buffer.from(bytes ?? []).toString('utf8')) as unknown;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

let t: TestLambda;
beforeEach(async () => {
  t = await startTestLambda();
});
afterEach(async () => {
  await t.lambda.stop();
});

describe('a synchronous invocation (RequestResponse)', () => {
  it('answers 200 with the handler result, run with the function environment and a Lambda context', async () => {
    const client = t.clientWith(functionRole);

    const response = await client.send(new InvokeCommand({ FunctionName: 'payments-dns-switch', Payload: json({ plan: 'payments', wave: 1 }) }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe('$LATEST');
    const result = payloadOf(response.Payload) as Record<string, unknown>;
    expect(result).toMatchObject({
      received: { plan: 'payments', wave: 1 },
      described: 'an event of 2 key(s)',
      functionName: 'payments-dns-switch',
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-dns-switch`,
      requestId: response.$metadata.requestId,
      env: { AWS_REGION: REGION, AWS_LAMBDA_FUNCTION_NAME: 'payments-dns-switch', ZONE: 'Z123', ROUTE53_ENDPOINT: 'http://127.0.0.1:4599' },
    });
    expect(result.remainingMs).toBeGreaterThan(55_000);
    expect(t.lambda.invocations()).toMatchObject([
      { function: 'payments-dns-switch', account: RECOVERY, region: REGION, invocationType: 'RequestResponse', payload: { plan: 'payments', wave: 1 }, outcome: 'success', durationMs: expect.any(Number) },
    ]);
  });

  it('gives the event {} when the request has no payload', async () => {
    const response = await t.clientWith(functionRole).send(new InvokeCommand({ FunctionName: 'payments-dns-switch' }));

    expect(payloadOf(response.Payload)).toMatchObject({ received: {} });
  });

  it('answers a thrown error with 200, FunctionError Unhandled and the Node.js runtime error document', async () => {
    const response = await t.clientWith(functionRole).send(new InvokeCommand({ FunctionName: 'payments-dns-fail', Payload: json({ zone: 'Z123' }) }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    const error = payloadOf(response.Payload) as { errorType: string; errorMessage: string; trace: string[] };
    expect(error).toMatchObject({ errorType: 'DnsSwitchError', errorMessage: 'hosted zone Z123 is not reachable' });
    expect(error.trace[0]).toBe('DnsSwitchError: hosted zone Z123 is not reachable');
    expect(t.lambda.invocations()).toMatchObject([{ function: 'payments-dns-fail', outcome: 'error', error: { errorType: 'DnsSwitchError' } }]);
  });

  it('ends an invocation that runs past its timeout with FunctionError Unhandled and Lambda\'s "Task timed out" message', async () => {
    const response = await t.clientWith(functionRole).send(new InvokeCommand({ FunctionName: 'payments-slow', Payload: json({ ms: 10_000 }) }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    const error = payloadOf(response.Payload) as { errorMessage: string };
    expect(Object.keys(error)).toEqual(['errorMessage']);
    expect(error.errorMessage).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z ${response.$metadata.requestId} Task timed out after 1\\.\\d{2} seconds$`));
    const [record] = t.lambda.invocations();
    expect(record).toMatchObject({ function: 'payments-slow', outcome: 'timeout' });
    expect(record!.durationMs).toBeGreaterThanOrEqual(1000);
    expect(record!.durationMs).toBeLessThan(5000);
  });

  it('starts a fresh execution environment after a timeout (a cold start), and keeps a warm one between invocations', async () => {
    const client = t.clientWith(functionRole);
    const count = async () => (payloadOf((await client.send(new InvokeCommand({ FunctionName: 'payments-counter' }))).Payload) as { count: number }).count;

    expect([await count(), await count()]).toEqual([1, 2]);
    const slow = await client.send(new InvokeCommand({ FunctionName: 'payments-slow', Payload: json({ ms: 10_000 }) }));
    const fast = await client.send(new InvokeCommand({ FunctionName: 'payments-slow', Payload: json({ ms: 10 }) }));

    expect(slow.FunctionError).toBe('Unhandled');
    expect(fast.FunctionError).toBeUndefined();
    expect(payloadOf(fast.Payload)).toEqual({ waited: 10 });
  });

  it('returns the last 4 KB of the invocation log, base64, for LogType Tail', async () => {
    const response = await t.clientWith(functionRole).send(new InvokeCommand({ FunctionName: 'payments-dns-fail', Payload: json({ zone: 'Z9' }), LogType: 'Tail' }));

    const log = Buffer.from(response.LogResult ?? '', 'base64').toString('utf8');
    const requestId = response.$metadata.requestId!;
    expect(log).toContain(`START RequestId: ${requestId} Version: $LATEST`);
    expect(log).toMatch(new RegExp(`Z\\t${requestId}\\tERROR\\tcannot switch Z9\\n`));
    expect(log).toContain(`END RequestId: ${requestId}`);
    expect(log).toContain(`REPORT RequestId: ${requestId}\tDuration: `);
    expect(t.output.join('')).toContain('cannot switch Z9');
  });
});

describe('Event and DryRun invocations', () => {
  it('answers Event with 202 at once and runs the handler in the background', async () => {
    const response = await t.clientWith(functionRole).send(new InvokeCommand({ FunctionName: 'payments-slow', InvocationType: 'Event', Payload: json({ ms: 300 }) }));

    expect(response.StatusCode).toBe(202);
    expect(t.lambda.invocations()).toEqual([]);
    await t.lambda.idle();
    expect(t.lambda.invocations()).toMatchObject([{ function: 'payments-slow', invocationType: 'Event', outcome: 'success', result: { waited: 300 } }]);
  });

  it('answers DryRun with 204 without running the function', async () => {
    const response = await t.clientWith(functionRole).send(new InvokeCommand({ FunctionName: 'payments-dns-switch', InvocationType: 'DryRun' }));

    expect(response.StatusCode).toBe(204);
    await t.lambda.idle();
    expect(t.lambda.invocations()).toEqual([]);
  });
});

describe('which function a FunctionName names', () => {
  it('invokes by full ARN, partial ARN and with the $LATEST qualifier', async () => {
    const client = t.clientWith(operator);
    const arn = `arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-counter`;

    const byArn = await client.send(new InvokeCommand({ FunctionName: arn }));
    const byPartialArn = await client.send(new InvokeCommand({ FunctionName: `${RECOVERY}:function:payments-counter` }));
    const byQualifiedArn = await client.send(new InvokeCommand({ FunctionName: `${arn}:$LATEST` }));
    const byQualifier = await client.send(new InvokeCommand({ FunctionName: 'payments-counter', Qualifier: '$LATEST' }));

    expect([byArn, byPartialArn, byQualifiedArn, byQualifier].map((r) => payloadOf(r.Payload))).toEqual([{ count: 1 }, { count: 2 }, { count: 3 }, { count: 4 }]);
  });

  it('answers ResourceNotFoundException (404) for a function it does not hold, naming its ARN', async () => {
    const error = await t.clientWith(functionRole).send(new InvokeCommand({ FunctionName: 'payments-nope' })).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-nope`,
      Type: 'User',
      $metadata: { httpStatusCode: 404 },
    });
    expect(t.lambda.calls()).toMatchObject([{ operation: 'Invoke', functionName: 'payments-nope', account: RECOVERY, region: REGION, status: 404, errorCode: 'ResourceNotFoundException' }]);
  });

  it('answers ResourceNotFoundException for a qualifier other than $LATEST (no versions or aliases are published)', async () => {
    const error = await t.clientWith(functionRole).send(new InvokeCommand({ FunctionName: 'payments-counter', Qualifier: 'live' })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-counter:live` });
  });

  it('does not show a function to another account\'s credentials, nor to a signature for another Region', async () => {
    const outsider = await t.clientWith(mallory).send(new InvokeCommand({ FunctionName: 'payments-dns-switch' })).catch((e: unknown) => e);
    const otherRegion = await t.clientWith(functionRole, { region: 'us-west-2' }).send(new InvokeCommand({ FunctionName: 'payments-dns-switch' })).catch((e: unknown) => e);

    expect(outsider).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: arn:aws:lambda:${REGION}:${OUTSIDER}:function:payments-dns-switch` });
    expect(otherRegion).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: arn:aws:lambda:us-west-2:${RECOVERY}:function:payments-dns-switch` });
    expect(t.lambda.invocations()).toEqual([]);
  });

  it('refuses another account\'s function named by its full ARN with AccessDeniedException (403), whether it exists or not', async () => {
    const arn = `arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-dns-switch`;

    const error = await t.clientWith(mallory).send(new InvokeCommand({ FunctionName: arn })).catch((e: unknown) => e);
    const missing = await t.clientWith(mallory).send(new InvokeCommand({ FunctionName: `${RECOVERY}:function:payments-nope` })).catch((e: unknown) => e);

    expect(missing).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: arn:aws:iam::${OUTSIDER}:user/mallory is not authorized to perform: lambda:InvokeFunction on resource: ${arn} because no resource-based policy allows the lambda:InvokeFunction action`,
      $metadata: { httpStatusCode: 403 },
    });
    expect(t.lambda.invocations()).toEqual([]);
  });
});
