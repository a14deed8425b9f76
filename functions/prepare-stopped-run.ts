// PrepareStoppedRun: the run of an aborted or timed-out execution, rebuilt from EventBridge's
// status-change event, for its clean-up and report.
import { accounts } from '#shared/aws/accounts.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { logger } from '#shared/powertools.ts';
import { inputOfStoppedExecution, StoppedExecutionEvent, stoppedRunState } from '#shared/recovery/stopped.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(StoppedExecutionEvent, async (event) => {
  const input = inputOfStoppedExecution(event);
  const state = stoppedRunState(event, input, await loadDeployedPlan(input.plan), { accounts, homeRegion });
  logger.info('cleaning up after a stopped execution', { execution: event.detail.name, status: event.detail.status, plan: input.plan, drill: state.run.isDrill });
  return state;
});
