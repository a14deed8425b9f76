// Shared set-up for the local SSM tests: a world of two accounts, a service over it on a manual
// clock, SDK clients signing as any of their principals, and raw signed calls for what the SDK
// would never send.
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { IdentityStore, type Identity } from '#local/identity/index.ts';
import { startLocalSsm, type LocalSsm, type SsmDocument, type SsmScenario } from '#local/ssm/index.ts';
import { sendSigned } from '../support/signed-request.ts';
import { functionRole, mallory, operator, OUTSIDER, RECOVERY, recoveryAndOutsider, type StaticCredentials } from '../support/test-world.ts';

export { functionRole, mallory, operator, OUTSIDER, RECOVERY, type StaticCredentials };

export const REGION = 'eu-west-1';
export const START = Date.parse('2026-12-01T02:00:00Z');


export const testIdentity: Identity = recoveryAndOutsider('trigger');

/** The smoke test runbook of the payments application, as a plan's action step runs it. */
export const SMOKE_TEST: SsmDocument & { name: string } = {
  name: 'Payments-SmokeTest',
  description: 'Checks the recovered payments servers answer',
  parameters: [
    { name: 'AutomationAssumeRole', type: 'String', default: '', description: 'The role the runbook assumes' },
    { name: 'InstanceIds', type: 'StringList', description: 'The recovered instances' },
    { name: 'Wave', type: 'String', default: '' },
  ],
  outcome: 'Success',
  durationSeconds: 90,
  outputs: { 'CheckHealth.Status': ['healthy'] },
};

/** A manual clock: the service's time moves only when the test says. */
export class ManualClock {
  constructor(public ms = START) {}
  nowMs = () => this.ms;
  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface TestSsm {
  ssm: LocalSsm;
  clock: ManualClock;
  /** An SSM client signing with `credentials` (default: the function role) in eu-west-1. */
  client(credentials?: StaticCredentials, config?: Partial<SSMClientConfig>): SSMClient;
}

/** The service in eu-west-1 of the recovery account with `scenario` (default: the smoke test runbook) on a manual clock. */
export async function startTestSsm(scenario: SsmScenario = { documents: [SMOKE_TEST] }): Promise<TestSsm> {
  const clock = new ManualClock();
  // Signatures are checked against the wall clock: the SDK signs with it.
  const ssm = await startLocalSsm({ identity: new IdentityStore(testIdentity), clock, scenario, home: { account: RECOVERY, region: REGION } });
  return {
    ssm,
    clock,
    client: (credentials = functionRole, config = {}) => new SSMClient({ endpoint: ssm.endpoint, region: REGION, credentials, maxAttempts: 1, ...config }),
  };
}

export interface RawResponse {
  status: number;
  body: string;
  contentType: string | null;
}

/** A JSON 1.1 POST signed by @smithy/signature-v4 (as the SDK signs), for requests the SDK would never build. */
export async function signedCall(ssm: LocalSsm, target: string, body: string, credentials: StaticCredentials = operator): Promise<RawResponse> {
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target };
  const response = await sendSigned(ssm.endpoint, { service: 'ssm', region: REGION, credentials, headers, body });
  return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') };
}

/** The error a promise rejects with (or its value, for the assertion to show). */
export const failureOf = (promise: Promise<unknown>): Promise<unknown> => promise.then((value) => value, (error: unknown) => error);
