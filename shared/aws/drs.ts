// DRS ports over traced SDK clients: the home Region's by default, any (account, Region) on
// request. DRS_ENDPOINT points every one of them at the local DRS service; unset, they talk to AWS.
import { DrsClient, type DrsClientConfig } from '@aws-sdk/client-drs';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv } from '#shared/config.ts';
import { createDrsAdapter } from '#shared/drs/adapter.ts';
import type { FullDrsPort, RegionalDrs } from '#shared/drs/port.ts';
import { traced } from '#shared/powertools.ts';

/**
 * Which DRS a port talks to: a Region, in this deployment's account (the function's own
 * credentials) or in another one, named by `account` and reached with its `credentials` (e.g. a
 * role assumed with STS). The port cache is keyed by (account, Region): one account's credentials
 * must always come with the same `account`.
 */
export type DrsScope =
  | { region: string; account?: undefined; credentials?: undefined }
  | { region: string; account: string; credentials: NonNullable<DrsClientConfig['credentials']> };

const endpoint = optionalEnv('DRS_ENDPOINT');
const ports = new Map<string, FullDrsPort>();

/**
 * The DRS port of an (account, Region), created on first use and kept for warm invocations:
 * which Regions and accounts a run needs is known only at run time (e.g. from a reversed source
 * server's ARN). Reads use the standard retry mode: throttling and 5xx are retried with backoff
 * and jitter (3 attempts); calls that change something are sent once (see createDrsAdapter).
 */
export function drsPortFor(scope: DrsScope): FullDrsPort {
  const key = `${scope.account ?? ''}/${scope.region}`;
  let port = ports.get(key);
  if (port === undefined) {
    // No `credentials` key at all for the home account: the SDK's default chain then applies.
    const credentials = scope.credentials === undefined ? {} : { credentials: scope.credentials };
    const config = { region: scope.region, endpoint, ...credentials, retryMode: 'standard' };
    port = createDrsAdapter({
      reads: traced(new DrsClient({ ...config, maxAttempts: 3 })),
      // Sent once: a lost response is settled by the step's Retry and the tag read-back.
      writes: traced(new DrsClient({ ...config, maxAttempts: 1 })),
    });
    ports.set(key, port);
  }
  return port;
}

/** DRS in the home Region: what handlers use unless a test passes its own port. */
export const drs = drsPortFor({ region: homeRegion });

/** DRS in any Region of this account: an EC2-origin server fails back in its origin Region. */
export const regionalDrs: RegionalDrs = (region) => drsPortFor({ region });
