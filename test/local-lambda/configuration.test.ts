// GetFunctionConfiguration at the local Lambda service, with the unmodified
// @aws-sdk/client-lambda: what a preflight reads of a function before anything is launched.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { OUTSIDER, RECOVERY, REGION, functionRole, mallory, startTestLambda, type TestLambda } from './helpers.ts';

let t: TestLambda;
beforeEach(async () => {
  t = await startTestLambda();
});
afterEach(async () => {
  await t.lambda.stop();
});

describe('GetFunctionConfiguration', () => {
  it('describes a function as Lambda describes an active nodejs22.x zip function', async () => {
    const configuration = await t.clientWith(functionRole).send(new GetFunctionConfigurationCommand({ FunctionName: 'payments-dns-switch' }));

    expect(configuration).toMatchObject({
      FunctionName: 'payments-dns-switch',
      FunctionArn: `arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-dns-switch`,
      Runtime: 'nodejs22.x',
      Handler: 'echo.handler',
      Timeout: 60,
      MemorySize: 128,
      Version: '$LATEST',
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Environment: { Variables: { ZONE: 'Z123' } },
    });
    expect(configuration.LastModified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(configuration.CodeSize).toBeGreaterThan(0);
    expect(t.lambda.countCalls('GetFunctionConfiguration')).toBe(1);
  });

  it('gives the default timeout of 3 seconds to a function that declares none', async () => {
    const configuration = await t.clientWith(functionRole).send(new GetFunctionConfigurationCommand({ FunctionName: `arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-dns-fail` }));

    expect(configuration).toMatchObject({ FunctionName: 'payments-dns-fail', Timeout: 3 });
    expect(configuration.Environment).toBeUndefined();
  });

  it('answers ResourceNotFoundException for an unknown function and for another account\'s caller', async () => {
    const unknown = await t.clientWith(functionRole).send(new GetFunctionConfigurationCommand({ FunctionName: 'payments-nope' })).catch((e: unknown) => e);
    const outsider = await t.clientWith(mallory).send(new GetFunctionConfigurationCommand({ FunctionName: 'payments-dns-switch' })).catch((e: unknown) => e);

    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: arn:aws:lambda:${REGION}:${RECOVERY}:function:payments-nope`, $metadata: { httpStatusCode: 404 } });
    expect(outsider).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: arn:aws:lambda:${REGION}:${OUTSIDER}:function:payments-dns-switch` });
  });
});
