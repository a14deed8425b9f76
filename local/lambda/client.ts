// LambdaClient for the local service, apart from the service itself: the service starts without loading
// the AWS SDK client (a good part of a start's time), and tests and tools import this to call it.
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { type LocalLambda } from './index.ts';
import { defaultCredentials } from '#local/identity/index.ts';

/** A LambdaClient for the local service: its endpoint and home Region, the default account's credentials unless `config` says otherwise. */
export function lambdaClientFor(local: Pick<LocalLambda, 'endpoint' | 'region'>, config: Partial<LambdaClientConfig> = {}): LambdaClient {
  return new LambdaClient({ endpoint: local.endpoint, region: local.region, credentials: { ...defaultCredentials }, ...config });
}
