// Route53Client for the local service, apart from the service itself: the service starts without loading
// the AWS SDK client (a good part of a start's time), and tests and tools import this to call it.
import { Route53Client, type Route53ClientConfig } from '@aws-sdk/client-route-53';
import { type LocalRoute53, ROUTE53_SIGNING_REGION } from './index.ts';
import { defaultCredentials } from '#local/identity/index.ts';

/** A Route53Client for the local service: its endpoint, us-east-1, the default account's credentials unless `config` says otherwise. */
export function route53ClientFor(local: Pick<LocalRoute53, 'endpoint'>, config: Partial<Route53ClientConfig> = {}): Route53Client {
  return new Route53Client({ endpoint: local.endpoint, region: ROUTE53_SIGNING_REGION, credentials: { ...defaultCredentials }, ...config });
}
