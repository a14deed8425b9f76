// Preflight: resolve and check every server of every wave, and the plan's source networks, before
// launching anything.
import { drs } from '#shared/aws/drs.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { runPreflight } from '#shared/recovery/preflight.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

// Source networks are read where RecoverSourceNetworks recovers them: the home Region's DRS.
export const handler = stepHandler(RunState, async ({ run }) => runPreflight(run, await loadDeployedPlan(run.plan), await drsForRun(run), drs));
