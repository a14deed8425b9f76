// STSClient for the local service, apart from the service itself: the service starts without loading
// the AWS SDK client (a good part of a start's time), and tests and tools import this to call it.
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { type LocalSts } from './index.ts';
import { defaultCredentials } from '#local/identity/index.ts';

/** An STSClient for the local service: its endpoint and region, the default account's credentials unless `config` says otherwise. */
export function stsClientFor(localSts: Pick<LocalSts, 'endpoint' | 'region'>, config: Partial<STSClientConfig> = {}): STSClient {
  return new STSClient({ endpoint: localSts.endpoint, region: localSts.region, credentials: { ...defaultCredentials }, ...config });
}
