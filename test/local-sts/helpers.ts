// Shared set-up for the local STS tests: a world of three accounts, a service over a store whose
// clock the test can move, SDK clients with explicit credentials, and raw signed calls for what
// the SDK would never send.
import { STSClient, type Credentials, type STSClientConfig } from '@aws-sdk/client-sts';
import { IdentityStore, type Identity } from '#local/identity/index.ts';
import { startLocalSts, type LocalSts } from '#local/sts/index.ts';
import { sendRaw, signedHeaders } from '../support/signed-request.ts';
import { functionRole, operator, mallory, type StaticCredentials } from '../support/test-world.ts';

export { functionRole, operator, mallory, type StaticCredentials };

export const RECOVERY = '111122223333';
export const STAGING = '444455556666';
export const OUTSIDER = '777788889999';

export const FUNCTION_ROLE = `arn:aws:iam::${RECOVERY}:role/drs-orchestrator-function`;
export const OPERATOR = `arn:aws:iam::${RECOVERY}:user/operator`;
export const MALLORY = `arn:aws:iam::${OUTSIDER}:user/mallory`;
export const STAGING_ROLE = `arn:aws:iam::${STAGING}:role/drs-orchestrator-access`;
export const ADMIN_ROLE = `arn:aws:iam::${RECOVERY}:role/local-admin`;
export const REPORT_ROLE = `arn:aws:iam::${STAGING}:role/report-reader`;
export const EXTERNAL_ID = 'drs-orchestrator-7f3a';

export const recoveryRoot: StaticCredentials = { accessKeyId: 'AKIAROOT000000000001', secretAccessKey: 'root-secret' };

export const testIdentity: Identity = {
  accounts: [
    {
      id: RECOVERY,
      alias: 'recovery',
      principals: [
        { arn: FUNCTION_ROLE, sessionName: 'start-wave', ...functionRole },
        { arn: OPERATOR, ...operator },
        { arn: `arn:aws:iam::${RECOVERY}:root`, ...recoveryRoot },
      ],
      // Any principal of the recovery account, for up to 12 hours.
      roles: [{ arn: ADMIN_ROLE, maxSessionDuration: 43_200, trust: { principals: [`arn:aws:iam::${RECOVERY}:root`] } }],
    },
    {
      id: STAGING,
      alias: 'staging',
      roles: [
        { arn: STAGING_ROLE, trust: { principals: [FUNCTION_ROLE], externalId: EXTERNAL_ID } },
        // Any principal of the recovery account, for the default hour.
        { arn: REPORT_ROLE, trust: { principals: [`arn:aws:iam::${RECOVERY}:root`] } },
      ],
    },
    { id: OUTSIDER, principals: [{ arn: MALLORY, ...mallory }] },
  ],
};

/** The service's clock: the real time plus an offset the test moves. */
export class TestClock {
  offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
  advanceBy(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface TestSts {
  sts: LocalSts;
  clock: TestClock;
  /** An STS client signing with `credentials` (the SDK as any caller configures it). */
  clientWith(credentials: StaticCredentials, config?: Partial<STSClientConfig>): STSClient;
}

export async function startTestSts(identity: Identity = testIdentity): Promise<TestSts> {
  const clock = new TestClock();
  const sts = await startLocalSts({ identity: new IdentityStore(identity, { now: clock.now }) });
  return {
    sts,
    clock,
    clientWith: (credentials, config = {}) => new STSClient({ endpoint: sts.endpoint, region: 'eu-west-1', credentials, ...config }),
  };
}

/** The credentials of an AssumeRole answer, as a caller passes them to the next client. */
export function sessionCredentials(credentials: Credentials | undefined): StaticCredentials {
  return { accessKeyId: credentials!.AccessKeyId!, secretAccessKey: credentials!.SecretAccessKey!, sessionToken: credentials!.SessionToken! };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

/** A form POST signed by @smithy/signature-v4 (as the SDK signs), for bodies the SDK would never build. */
export async function signedPost(sts: LocalSts, form: string, credentials: StaticCredentials, service = 'sts'): Promise<RawResponse> {
  return rawPost(sts, form, await signedHeaders(sts.endpoint, { service, region: 'us-east-1', credentials, headers: FORM, body: form }));
}

/** A form POST with `headers` as they are (unsigned unless the caller signed them). */
export async function rawPost(sts: LocalSts, form: string, headers: Record<string, string> = FORM): Promise<RawResponse> {
  const response = await sendRaw(sts.endpoint, { body: form }, headers);
  return { status: response.status, headers: response.headers, body: await response.text() };
}
