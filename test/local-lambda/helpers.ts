// Shared set-up for the local Lambda tests: a world of two accounts, a service over it with the
// fixture handlers as functions, SDK clients signing as any of their principals, and raw signed
// calls for what the SDK would never send.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { IdentityStore, type Identity } from '#local/identity/index.ts';
import { startLocalLambda, type LocalLambda, type StartLocalLambdaOptions } from '#local/lambda/index.ts';
import { sendSigned } from '../support/signed-request.ts';
import { functionRole, mallory, operator, OUTSIDER, RECOVERY, recoveryAndOutsider, type StaticCredentials } from '../support/test-world.ts';

export { functionRole, mallory, operator, OUTSIDER, RECOVERY, type StaticCredentials };

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const REGION = 'eu-west-1';


export const testIdentity: Identity = recoveryAndOutsider('actions');

/** The functions of the tests: the fixture handlers, in the recovery account in eu-west-1 (the home). */
export const testFunctions = {
  functions: [
    { name: 'payments-dns-switch', handler: 'echo.ts', timeoutSeconds: 60, environment: { ZONE: 'Z123' } },
    { name: 'payments-dns-fail', handler: 'throws.ts' },
    { name: 'payments-slow', handler: 'slow.ts', timeoutSeconds: 1 },
    { name: 'payments-counter', handler: 'counter.mjs' },
  ],
};

export interface TestLambda {
  lambda: LocalLambda;
  /** What the functions logged. */
  output: string[];
  /** A Lambda client signing with `credentials` in eu-west-1 (the SDK as any caller configures it). */
  clientWith(credentials: StaticCredentials, config?: Partial<LambdaClientConfig>): LambdaClient;
}

export async function startTestLambda(options: Partial<StartLocalLambdaOptions> = {}): Promise<TestLambda> {
  const output: string[] = [];
  const lambda = await startLocalLambda({
    identity: new IdentityStore(testIdentity),
    functions: testFunctions,
    baseDir: FIXTURES,
    home: { account: RECOVERY, region: REGION },
    env: { ROUTE53_ENDPOINT: 'http://127.0.0.1:4599' },
    output: (text) => output.push(text),
    ...options,
  });
  return {
    lambda,
    output,
    clientWith: (credentials, config = {}) => new LambdaClient({ endpoint: lambda.endpoint, region: REGION, credentials, ...config }),
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** A request signed by @smithy/signature-v4 (as the SDK signs), for requests the SDK would never build. */
export async function signedCall(lambda: LocalLambda, method: string, path: string, body: string, credentials: StaticCredentials, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await sendSigned(lambda.endpoint, { service: 'lambda', region: REGION, credentials, method, path, headers, body });
  return { status: response.status, headers: response.headers, body: await response.text() };
}
