// PrepareStoppedRun: the run of an aborted or timed-out execution (a drill, a recovery or a
// failback), rebuilt from EventBridge's status-change event, for its clean-up and report.
import { placeWaves } from '#shared/accounts/placement.ts';
import { accounts } from '#shared/aws/accounts.ts';
import { regionalDrs } from '#shared/aws/drs.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { prepareFailback } from '#shared/failback/run.ts';
import { startedFailbackWaves, stoppedFailbackState } from '#shared/failback/stopped.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { logger } from '#shared/powertools.ts';
import { inputOfStoppedExecution, StoppedExecutionEvent, stoppedRunState } from '#shared/recovery/stopped.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(StoppedExecutionEvent, async (event) => {
  const input = inputOfStoppedExecution(event);
  const plan = await loadDeployedPlan(input.plan);
  const { name: execution, status } = event.detail;
  if (input.mode === 'failback') {
    // The same recovery the failback found when it started (its input names it, or the plan's latest).
    const { scopes } = placeWaves(plan, plan.waves.map((wave) => wave.name), { accounts, homeRegion });
    const drs = await drsForRun({ execution, scopes });
    const run = await prepareFailback(input, plan, execution, new Date(event.detail.startDate).toISOString(), drs, scopes);
    const started = run.check ? [] : await startedFailbackWaves(run, drs, regionalDrs);
    logger.info('stopping what a stopped failback started', { execution, status, plan: input.plan, check: run.check, waves: started.map((wave) => wave.name) });
    return stoppedFailbackState(event.detail, run, started);
  }
  const state = stoppedRunState(event, input, plan, { accounts, homeRegion });
  logger.info('cleaning up after a stopped execution', { execution, status, plan: input.plan, drill: state.run.isDrill });
  return state;
});
