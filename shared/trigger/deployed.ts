// The trigger's deployed configuration, read once at cold start: the state machine it starts and
// the stage configuration packaged with it. A missing setting fails the function at start-up with
// its name.
import { resolve } from 'node:path';
import { requiredEnv } from '#shared/config.ts';
import { readStageConfig } from './config.ts';

/** The recovery state machine the trigger starts. */
export const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

/** The stage configuration packaged with the function (deploy/stages/<stage>.yaml). */
export const stageConfig = await readStageConfig(resolve(requiredEnv('TRIGGERS_FILE')));
