// SNSClient for the local service, apart from the service itself: the service starts without loading
// the AWS SDK client (a good part of a start's time), and tests and tools import this to call it.
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import { type LocalSns } from './index.ts';
import { defaultCredentials } from '#local/identity/index.ts';

/** An SNSClient for the local service: its endpoint and home Region, the default account's credentials unless `config` says otherwise. */
export function snsClientFor(local: Pick<LocalSns, 'endpoint' | 'region'>, config: Partial<SNSClientConfig> = {}): SNSClient {
  return new SNSClient({ endpoint: local.endpoint, region: local.region, credentials: { ...defaultCredentials }, ...config });
}
