// Shared set-up for the local Step Functions tests: a world of two accounts, a service over it,
// SDK clients signing as any of their principals, and raw signed calls for what the SDK would
// never send.
import { SFNClient, type SFNClientConfig } from '@aws-sdk/client-sfn';
import { IdentityStore, type Identity } from '#local/identity/index.ts';
import { startLocalStepFunctions, type LocalStepFunctions } from '#local/stepfunctions/index.ts';
import { sendSigned } from '../support/signed-request.ts';
import { functionRole, mallory, operator, OUTSIDER, RECOVERY, recoveryAndOutsider, type StaticCredentials } from '../support/test-world.ts';

export { functionRole, mallory, operator, OUTSIDER, RECOVERY, type StaticCredentials };

export const REGION = 'eu-west-1';


export const testIdentity: Identity = recoveryAndOutsider('trigger');

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
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target };
  const response = await sendSigned(sfn.endpoint, { service: 'states', region: REGION, credentials, headers, body });
  return { status: response.status, body: await response.text() };
}
