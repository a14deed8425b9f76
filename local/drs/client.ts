// DrsClient for the local service, apart from the service itself: the service starts without loading
// the AWS SDK client (a good part of a start's time), and tests and tools import this to call it.
import { DrsClient, type DrsClientConfig } from '@aws-sdk/client-drs';
import { type LocalCredentials, type LocalDrs } from './index.ts';
import { defaultCredentials } from '#local/identity/index.ts';

/**
 * A DrsClient for the local service: its endpoint and Region, signing as a principal of its
 * account (`localDrs.credentials`; the default world's `defaultCredentials` otherwise).
 */
export function drsClientFor(localDrs: Pick<LocalDrs, 'endpoint' | 'region'> & { credentials?: LocalCredentials }, config: Partial<DrsClientConfig> = {}): DrsClient {
  return new DrsClient({
    endpoint: localDrs.endpoint,
    region: localDrs.region,
    credentials: localDrs.credentials ?? { ...defaultCredentials },
    ...config,
  });
}
