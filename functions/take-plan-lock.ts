// TakePlanLock: one run per plan. Takes the plan's lock before anything changes in DRS, or fails
// with PlanLockedError naming the run that holds it (whatever started either run).
import * as z from 'zod/mini';
import { planLockTable } from '#shared/aws/lock-table.ts';
import { acquirePlanLock, type ExecutionStatusOf } from '#shared/lock/plan-lock.ts';
import { logger } from '#shared/powertools.ts';
import { stepHandler } from '#shared/step.ts';

// Step Functions is asked only when another run holds the lock: its client (#shared/aws/sfn.ts) loads then, not at init.
const executionStatusOf: ExecutionStatusOf = async (executionArn) => (await import('#shared/aws/executions.ts')).executionStatusOf(executionArn);

const TakePlanLockEvent = z.object({
  plan: z.string(),
  mode: z.string(),
  execution: z.string(),
  /** $$.Execution.Id: names are unique per state machine only, and both workflows share a plan's lock. */
  executionArn: z.string(),
  startedAt: z.string(),
});

export const handler = stepHandler(TakePlanLockEvent, async (request) => {
  const acquired = await acquirePlanLock(request, planLockTable, executionStatusOf);
  if (acquired.tookOverFrom !== undefined) {
    logger.warn('took over the lock of a run that never released it', { plan: request.plan, from: acquired.tookOverFrom });
  }
  return acquired;
});
