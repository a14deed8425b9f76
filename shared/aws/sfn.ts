// The Step Functions client, which only the trigger uses (it never loads the DRS client).
// SFN_ENDPOINT points it at the local Step Functions service; unset, it talks to AWS.
import { SFNClient } from '@aws-sdk/client-sfn';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv } from '#shared/config.ts';
import { traced } from '#shared/powertools.ts';

/** Step Functions in the home Region: StartExecution and the trigger's duplicate checks. */
export const sfn = traced(new SFNClient({ region: homeRegion, endpoint: optionalEnv('SFN_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));
