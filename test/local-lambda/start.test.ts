// Starting the local Lambda service: the `lambda:` block validated (each wrong field named, with
// the fix), handler files built, a missing or broken one refused by name, stop cleaning up.
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GetFunctionConfigurationCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { DEFAULT_ACCOUNT_ID } from '#local/identity/index.ts';
import { HandlerBuildError, LambdaFunctionsError, parseLambdaFunctions, startLocalLambda, type LocalLambda } from '#local/lambda/index.ts';
import { lambdaClientFor } from '#local/lambda/client.ts';
import { FIXTURES } from './helpers.ts';

const home = { account: '111122223333', region: 'eu-west-1' };
const messageOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LambdaFunctionsError);
    return (error as Error).message;
  }
  throw new Error('expected a LambdaFunctionsError');
};

describe('the lambda: block', () => {
  it('places functions in the home account and Region unless they say otherwise, with Lambda\'s defaults', () => {
    const functions = parseLambdaFunctions(
      { functions: [{ name: 'payments-dns-switch', handler: 'actions/dns.ts' }, { name: 'staging-check', handler: 'check.ts', account: '444455556666', region: 'us-west-2', timeoutSeconds: 900 }] },
      home,
    );

    expect(functions).toEqual([
      { name: 'payments-dns-switch', handler: 'actions/dns.ts', account: '111122223333', region: 'eu-west-1', timeoutSeconds: 3, memorySize: 128, description: '', environment: {} },
      { name: 'staging-check', handler: 'check.ts', account: '444455556666', region: 'us-west-2', timeoutSeconds: 900, memorySize: 128, description: '', environment: {} },
    ]);
    expect(parseLambdaFunctions([{ name: 'a', handler: 'a.ts' }])[0]).toMatchObject({ account: DEFAULT_ACCOUNT_ID, region: 'us-east-1' });
    expect(parseLambdaFunctions(undefined)).toEqual([]);
  });

  it('refuses an unknown key, naming its path and the fix', () => {
    const message = messageOf(() => parseLambdaFunctions({ functions: [{ name: 'payments-dns-switch', handler: 'dns.ts', timeout: 60 }] }, home));

    expect(message).toContain('lambda.functions.0: ');
    expect(message).toContain("'timeout'");
    expect(message).toContain('timeoutSeconds?');
    expect(messageOf(() => parseLambdaFunctions({ function: [] }, home))).toContain("lambda: ");
  });

  it('names every wrong field: a bad name, a missing handler, a timeout over 900, an unquoted account, a reserved variable', () => {
    const message = messageOf(() =>
      parseLambdaFunctions(
        {
          functions: [
            { name: 'payments dns', handler: 'dns.ts' },
            { name: 'no-handler' },
            { name: 'too-long', handler: 'a.ts', timeoutSeconds: 901 },
            { name: 'numeric-account', handler: 'a.ts', account: 111122223333 },
            { name: 'reserved', handler: 'a.ts', environment: { AWS_REGION: 'us-west-2' } },
          ],
        },
        home,
      ),
    );

    expect(message).toContain('lambda.functions.0.name: a function name is 1-64 letters, digits, hyphens and underscores');
    expect(message).toContain('lambda.functions.1.handler: a function needs a handler');
    expect(message).toContain('lambda.functions.2.timeoutSeconds: timeoutSeconds is at most 900');
    expect(message).toContain('lambda.functions.3.account: an account ID is a 12-digit string (quote it in YAML');
    expect(message).toContain('lambda.functions.4.environment.AWS_REGION: AWS_REGION is reserved');
  });

  it('refuses two functions of one name in one account and Region', () => {
    const message = messageOf(() => parseLambdaFunctions([{ name: 'dns', handler: 'a.ts' }, { name: 'dns', handler: 'b.ts' }, { name: 'dns', handler: 'c.ts', region: 'us-west-2' }], home));

    expect(message).toBe("invalid lambda:\n- lambda.functions.1.name: 'dns' is already declared by lambda.functions.0 in account 111122223333, eu-west-1 (a function name is unique in its account and Region)");
  });
});

describe('startLocalLambda', () => {
  let started: LocalLambda | undefined;
  let scratch: string | undefined;
  afterEach(async () => {
    await started?.stop();
    started = undefined;
    if (scratch) await rm(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it('refuses a handler file that does not exist, naming the function and the file', async () => {
    const start = startLocalLambda({ functions: { functions: [{ name: 'payments-dns-switch', handler: 'actions/missing.ts' }] }, baseDir: FIXTURES, output: () => {} });

    await expect(start).rejects.toThrow(HandlerBuildError);
    await expect(start).rejects.toThrow(`function 'payments-dns-switch' (lambda.functions.0.handler: actions/missing.ts): the handler file ${join(FIXTURES, 'actions/missing.ts')} does not exist`);
  });

  it('refuses a handler file that does not build, with esbuild\'s message and where', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'local-lambda-test-'));
    await writeFile(join(scratch, 'broken.ts'), 'export async function handler( {\n  return 1;\n}\n');

    const error = await startLocalLambda({ functions: [{ name: 'broken', handler: 'broken.ts' }], baseDir: scratch, output: () => {} }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HandlerBuildError);
    expect((error as Error).message).toContain(`function 'broken' (lambda.functions.0.handler: broken.ts): ${join(scratch, 'broken.ts')} failed to build:`);
    expect((error as Error).message).toMatch(/broken\.ts:\d+:\d+: /);
  });

  it("builds a handler again for a later start when a file it imports changed, and gives the same code while none did", async () => {
    scratch = await mkdtemp(join(tmpdir(), 'local-lambda-test-'));
    const handler = join(scratch, 'greet.ts');
    await writeFile(join(scratch, 'greeting.ts'), "export const greeting = 'hello';\n");
    await writeFile(handler, "import { greeting } from './greeting.ts';\nexport const handler = async () => greeting;\n");
    const startAndInvoke = async () => {
      const service = await startLocalLambda({ functions: [{ name: 'greet', handler: 'greet.ts' }], baseDir: scratch!, output: () => {} });
      try {
        const client = lambdaClientFor(service);
        const { CodeSha256 } = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'greet' }));
        const { Payload } = await client.send(new InvokeCommand({ FunctionName: 'greet' }));
        return { codeSha256: CodeSha256, answer: JSON.parse(new TextDecoder().decode(Payload)) as string };
      } finally {
        await service.stop();
      }
    };

    const first = await startAndInvoke();
    // A new version of the handler file (its mtime), the same content everywhere.
    await utimes(handler, new Date(), new Date(Date.now() + 2000));
    const touched = await startAndInvoke();
    await writeFile(join(scratch, 'greeting.ts'), "export const greeting = 'good evening';\n");
    await utimes(handler, new Date(), new Date(Date.now() + 4000));
    const edited = await startAndInvoke();

    expect(first.answer).toBe('hello');
    expect(touched).toEqual(first);
    expect(edited.answer).toBe('good evening');
    expect(edited.codeSha256).not.toBe(first.codeSha256);
  });

  it('refuses an invalid block before building anything', async () => {
    await expect(startLocalLambda({ functions: { functions: [{ name: 'x', handler: 'echo.ts', memory: 512 }] }, baseDir: FIXTURES })).rejects.toThrow(LambdaFunctionsError);
  });

  it('runs with the defaults: the default world, home 111122223333 in us-east-1, reached by lambdaClientFor', async () => {
    started = await startLocalLambda({ functions: [{ name: 'payments-counter', handler: 'counter.mjs' }], baseDir: FIXTURES, output: () => {} });

    const response = await lambdaClientFor(started).send(new InvokeCommand({ FunctionName: 'payments-counter' }));

    expect(started).toMatchObject({ region: 'us-east-1', accountId: DEFAULT_ACCOUNT_ID });
    expect(JSON.parse(Buffer.from(response.Payload!).toString())).toEqual({ count: 1 });
    expect(started.functions()).toMatchObject([{ name: 'payments-counter', functionArn: `arn:aws:lambda:us-east-1:${DEFAULT_ACCOUNT_ID}:function:payments-counter`, source: join(FIXTURES, 'counter.mjs') }]);
  });

  it('answers every invocation of a handler file without a `handler` export with Runtime.HandlerNotFound, as Lambda does', async () => {
    started = await startLocalLambda({ functions: [{ name: 'no-handler', handler: 'no-handler.js' }], baseDir: FIXTURES, output: () => {} });

    const response = await lambdaClientFor(started).send(new InvokeCommand({ FunctionName: 'no-handler' }));

    expect(response.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(response.Payload!).toString())).toEqual({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'no-handler.handler is undefined or not exported', trace: [] });
  });
});
