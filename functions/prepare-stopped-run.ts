// PrepareStoppedRun: the run of an aborted or timed-out execution, rebuilt from EventBridge's
// status-change event, for its clean-up and report.
import { accounts } from '#shared/aws/accounts.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { PlanNotFoundError } from '#shared/errors.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { logger } from '#shared/powertools.ts';
import { planOfStoppedExecution, StoppedExecutionEvent, stoppedRunState } from '#shared/recovery/stopped.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(StoppedExecutionEvent, async (event) => {
  const planName = planOfStoppedExecution(event);
  if (planName === undefined) throw new PlanNotFoundError(`execution ${event.detail.name} names no plan in its input: it started nothing`);
  const state = stoppedRunState(event, await loadDeployedPlan(planName), { accounts, homeRegion });
  logger.info('cleaning up after a stopped execution', { execution: event.detail.name, status: event.detail.status, plan: planName, drill: state.run.isDrill });
  return state;
});
