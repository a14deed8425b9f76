// The Region this deployment runs in: its DRS is the default one, and its S3, EventBridge and
// Step Functions clients are created there. A module of its own so that reading it loads no client.
import { requiredEnv } from '#shared/config.ts';

/** AWS_REGION, which Lambda sets and the local runner sets to the local DRS service's Region. */
export const homeRegion = requiredEnv('AWS_REGION');
