// Shared set-up for the local Step Functions tests: a world of two accounts, a service over it,
// SDK clients signing as any of their principals, and raw signed calls for what the SDK would
// never send.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { SFNClient, type SFNClientConfig } from '@aws-sdk/client-sfn';
import { IdentityStore, type Identity } from '#local/identity/index.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '#local/stepfunctions/index.ts';

/** The SHA-256 constructor the SDK's signer uses in Node. */
const Sha256 = Hash.bind(null, 'sha256');

export const RECOVERY = '111122223333';
export const OUTSIDER = '777788889999';
export const REGION = 'eu-west-1';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const functionRole: StaticCredentials = { accessKeyId: 'ASIAFUNCTIONROLE0001', secretAccessKey: 'function-secret', sessionToken: 'function-session-token' };
export const operator: StaticCredentials = { accessKeyId: 'AKIAOPERATOR00000001', secretAccessKey: 'operator-secret' };
export const mallory: StaticCredentials = { accessKeyId: 'AKIAMALLORY000000001', secretAccessKey: 'mallory-secret' };

export const testIdentity: Identity = {
  accounts: [
    {
      id: RECOVERY,
      alias: 'recovery',
      principals: [
        { arn: `arn:aws:iam::${RECOVERY}:role/drs-orchestrator-function`, sessionName: 'trigger', ...functionRole },
        { arn: `arn:aws:iam::${RECOVERY}:user/operator`, ...operator },
      ],
    },
    { id: OUTSIDER, principals: [{ arn: `arn:aws:iam::${OUTSIDER}:user/mallory`, ...mallory }] },
  ],
};

/** The recovery state machine as deployed at stage `local` in the recovery account. */
export const RECOVERY_STATE_MACHINE = `arn:aws:states:${REGION}:${RECOVERY}:stateMachine:drs-orchestrator-local-recovery`;

export interface TestStepFunctions {
  sfn: LocalStepFunctions;
  /** An SFN client signing with `credentials` in eu-west-1 (the SDK as any caller configures it). */
  clientWith(credentials: StaticCredentials, config?: Partial<SFNClientConfig>): SFNClient;
}

/** `now`: the service's clock for StopExecution and task deadlines (a test's own, as a local run's is simulated). */
export async function startTestStepFunctions(options: { now?: () => Date } = {}): Promise<TestStepFunctions> {
  const sfn = await startLocalStepFunctions({ identity: new IdentityStore(testIdentity), ...options });
  return {
    sfn,
    clientWith: (credentials, config = {}) => new SFNClient({ endpoint: sfn.endpoint, region: REGION, credentials, ...config }),
  };
}

export interface RawResponse {
  status: number;
  body: string;
}

/** A JSON 1.0 POST signed by @smithy/signature-v4 (as the SDK signs), for requests the SDK would never build. */
export async function signedCall(sfn: LocalStepFunctions, target: string, body: string, credentials: StaticCredentials): Promise<RawResponse> {
  const url = new URL(sfn.endpoint);
  const signer = new SignatureV4({ service: 'states', region: REGION, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    body,
  });
  const { host: _host, ...sent } = signed.headers;
  const response = await fetch(`${sfn.endpoint}/`, { method: 'POST', headers: sent, body });
  return { status: response.status, body: await response.text() };
}
