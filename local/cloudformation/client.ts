// CloudFormationClient for the local service, apart from the service itself: the service starts without loading
// the AWS SDK client (a good part of a start's time), and tests and tools import this to call it.
import { CloudFormationClient, type CloudFormationClientConfig } from '@aws-sdk/client-cloudformation';
import { type LocalCloudFormation } from './index.ts';
import { defaultCredentials } from '#local/identity/index.ts';

/** A CloudFormationClient for the local service: its endpoint and home Region, the default account's credentials unless `config` says otherwise. */
export function cloudFormationClientFor(local: Pick<LocalCloudFormation, 'endpoint' | 'region'>, config: Partial<CloudFormationClientConfig> = {}): CloudFormationClient {
  return new CloudFormationClient({ endpoint: local.endpoint, region: local.region, credentials: { ...defaultCredentials }, ...config });
}
