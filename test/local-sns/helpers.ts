// Shared set-up for the local SNS tests: a world of two accounts, a service with the operators'
// alert topic declared, SDK clients signing as either account, and raw signed calls for what the
// SDK would never send.
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { IdentityStore, type Identity } from '#local/identity/index.ts';
import { startLocalSns, type LocalSns, type StartLocalSnsOptions } from '#local/sns/index.ts';
import { sendSigned } from '../support/signed-request.ts';
import { functionRole, type StaticCredentials } from '../support/test-world.ts';

export { functionRole, type StaticCredentials };

export const RECOVERY = '111122223333';
export const OTHER = '444455556666';
export const REGION = 'us-east-1';
export const ALERTS = 'drs-orchestrator-local-operator-alerts';
export const ALERTS_ARN = `arn:aws:sns:${REGION}:${RECOVERY}:${ALERTS}`;
export const OTHER_TOPIC_ARN = `arn:aws:sns:${REGION}:${OTHER}:their-alerts`;
export const FUNCTION_ROLE = `arn:aws:iam::${RECOVERY}:role/drs-orchestrator-function`;

export const otherOperator: StaticCredentials = { accessKeyId: 'AKIAOTHEROPERATOR001', secretAccessKey: 'other-secret' };

export const testIdentity: Identity = {
  accounts: [
    { id: RECOVERY, principals: [{ arn: FUNCTION_ROLE, sessionName: 'request-approval', ...functionRole }] },
    { id: OTHER, principals: [{ arn: `arn:aws:iam::${OTHER}:user/operator`, ...otherOperator }] },
  ],
};

export interface TestSns {
  sns: LocalSns;
  /** An SNS client signing with `credentials` (default: the recovery account's function role) in us-east-1. */
  client(credentials?: StaticCredentials, config?: Partial<SNSClientConfig>): SNSClient;
}

export async function startTestSns(options: Partial<StartLocalSnsOptions> = {}): Promise<TestSns> {
  const sns = await startLocalSns({
    identity: new IdentityStore(testIdentity),
    scenario: { topics: [{ name: ALERTS }, { name: 'their-alerts', account: OTHER }, { name: 'approvals.fifo' }] },
    ...options,
  });
  return {
    sns,
    client: (credentials = functionRole, config = {}) => new SNSClient({ endpoint: sns.endpoint, region: REGION, credentials, maxAttempts: 1, ...config }),
  };
}

export interface RawResponse {
  status: number;
  body: string;
}

/** A form POST signed by @smithy/signature-v4 (as the SDK signs), for bodies the SDK would never build. */
export async function signedPost(sns: LocalSns, form: string, credentials: StaticCredentials = functionRole, service = 'sns'): Promise<RawResponse> {
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const response = await sendSigned(sns.endpoint, { service, region: REGION, credentials, headers, body: form });
  return { status: response.status, body: await response.text() };
}
