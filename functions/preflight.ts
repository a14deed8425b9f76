// Preflight: resolve and check every server of every wave before launching anything.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { runPreflight } from '#shared/recovery/preflight.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async ({ run }) => runPreflight(run, await loadDeployedPlan(run.plan), await drsForRun(run)));
