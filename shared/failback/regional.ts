// DRS in other Regions: an EC2-origin server fails back with StartRecovery in its origin Region,
// so failback needs a client there. Which Regions is known only at run time (from the reversed
// source server's ARN), so clients are created on first use and kept for warm invocations.
import { DrsClient } from '@aws-sdk/client-drs';
import { region as homeRegion } from '../clients.ts';
import { optionalEnv } from '../config.ts';
import { createDrsAdapter } from '../drs/adapter.ts';
import { drs as homeDrs } from '../drs/default.ts';
import type { FullDrsPort } from '../drs/port.ts';
import { traced } from '../powertools.ts';

/** DRS in a given Region. */
export type RegionalDrs = (region: string) => FullDrsPort;

const endpoint = optionalEnv('DRS_ENDPOINT');
const ports = new Map<string, FullDrsPort>([[homeRegion, homeDrs]]);

/** The DRS port of a Region; DRS_ENDPOINT (the local DRS service) serves every Region. */
export const regionalDrs: RegionalDrs = (region) => {
  let port = ports.get(region);
  if (port === undefined) {
    port = createDrsAdapter(traced(new DrsClient({ region, endpoint, maxAttempts: 3, retryMode: 'standard' })));
    ports.set(region, port);
  }
  return port;
};

