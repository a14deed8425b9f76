// The Step Functions client, which only the trigger uses (it never loads the DRS client).
import { SFNClient } from '@aws-sdk/client-sfn';
import { homeRegion } from '#shared/aws/region.ts';
import { traced } from '#shared/powertools.ts';

/** Step Functions in the home Region: StartExecution and the trigger's duplicate checks. */
export const sfn = traced(new SFNClient({ region: homeRegion, maxAttempts: 3, retryMode: 'standard' }));
