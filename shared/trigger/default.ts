// The trigger's configuration and Step Functions client, created once at cold start. A missing
// setting fails the function at start-up with its name.
import { resolve } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { requiredEnv } from '../config.ts';
import { traced } from '../powertools.ts';
import { readStageConfig } from './config.ts';

// Not shared/clients.ts: that module creates the DRS client, which the trigger never uses.
const region = requiredEnv('AWS_REGION');

export const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

/** The stage configuration packaged with the function (deploy/stages/<stage>.yaml). */
export const stageConfig = await readStageConfig(resolve(requiredEnv('TRIGGERS_FILE')));

export const sfn = traced(new SFNClient({ region, maxAttempts: 3, retryMode: 'standard' }));
