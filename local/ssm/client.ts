// SSMClient for the local service, apart from the service itself: the service starts without loading
// the AWS SDK client (a good part of a start's time), and tests and tools import this to call it.
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { type LocalSsm } from './index.ts';
import { defaultCredentials } from '#local/identity/index.ts';

/** An SSMClient for the local service: its endpoint and home Region, the default account's credentials unless `config` says otherwise. */
export function ssmClientFor(local: Pick<LocalSsm, 'endpoint' | 'region'>, config: Partial<SSMClientConfig> = {}): SSMClient {
  return new SSMClient({ endpoint: local.endpoint, region: local.region, credentials: { ...defaultCredentials }, ...config });
}
