// Preflight: resolve and check every server of every wave, the plan's source networks and its
// actions (functions and documents), before launching anything.
import { drs } from '#shared/aws/drs.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { checkActions, runActions } from '#shared/actions/check.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { runPreflight } from '#shared/recovery/preflight.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

// Source networks are read where RecoverSourceNetworks recovers them: the home Region's DRS.
export const handler = stepHandler(RunState, async ({ run }) => {
  const plan = await loadDeployedPlan(run.plan);
  const actions = runActions(plan, run.waves, run.mode);
  // Only a plan with actions loads the Lambda and SSM clients.
  const actionChecks = actions.length === 0 ? Promise.resolve([]) : import('#shared/aws/actions.ts').then(({ actionPorts }) => checkActions(actions, actionPorts()));
  return runPreflight(run, plan, await drsForRun(run), drs, actionChecks);
});
