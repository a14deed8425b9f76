// Trigger: a drill schedule or an alarm going into ALARM → one run of the mapped plan, at most one
// per plan at a time. Invoked asynchronously by EventBridge Scheduler and an EventBridge rule.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger, traceLambdaHandler } from '#shared/powertools.ts';
import { sfn } from '#shared/aws/sfn.ts';
import { stageConfig, stateMachineArn } from '#shared/trigger/deployed.ts';
import { parseTriggerEvent } from '#shared/trigger/events.ts';
import { decideTrigger } from '#shared/trigger/mapping.ts';
import { startTriggeredRun, type TriggerResult } from '#shared/trigger/start.ts';

async function trigger(event: unknown): Promise<TriggerResult> {
  try {
    const result = await startTriggeredRun(decideTrigger(parseTriggerEvent(event), stageConfig), sfn, stateMachineArn);
    // A duplicate or a refusal is not a failure of the trigger (a retry would not change it), but
    // an operator must be able to find it: warn.
    const log = result.outcome === 'started' || result.outcome === 'ignored' ? logger.info : logger.warn;
    log.call(logger, `trigger ${result.outcome}`, { ...result });
    return result;
  } catch (error) {
    logger.error('trigger failed, nothing was started', { error });
    throw error;
  }
}

export const handler = middy(trigger)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(traceLambdaHandler) as unknown as (event: unknown, context: Context) => Promise<TriggerResult>;
