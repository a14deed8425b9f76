// SFNClient for the local service, apart from the service itself: the service starts without loading
// the AWS SDK client (a good part of a start's time), and tests and tools import this to call it.
import { SFNClient, type SFNClientConfig } from '@aws-sdk/client-sfn';
import { type LocalStepFunctions } from './index.ts';
import { defaultCredentials } from '#local/identity/index.ts';

/** An SFNClient for the local service: its endpoint and region, the default account's credentials unless `config` says otherwise. */
export function sfnClientFor(local: Pick<LocalStepFunctions, 'endpoint' | 'region'>, config: Partial<SFNClientConfig> = {}): SFNClient {
  return new SFNClient({ endpoint: local.endpoint, region: local.region, credentials: { ...defaultCredentials }, ...config });
}
