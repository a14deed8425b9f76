// RemoveDrillNetworks: delete the CloudFormation stacks this drill's network recovery created, once
// its instances are gone; re-entrant until each is DELETE_COMPLETE (or failed for good).
import { networkStacks } from '#shared/aws/cloudformation.ts';
import { drs } from '#shared/aws/drs.ts';
import { loadMetrics } from '#shared/powertools.ts';
import { removeDrillNetworks, stacksLeft } from '#shared/network/removal.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

// Source networks are recovered in the home account and Region (RecoverSourceNetworks): their jobs and stacks are there.
export const handler = stepHandler(RunState, async ({ run, networkRemoval }) => {
  const next = await removeDrillNetworks(run, await loadDeployedPlan(run.plan), networkRemoval, drs, networkStacks);
  if (next.done) {
    const { metrics, MetricUnit } = await loadMetrics();
    metrics.addDimensions({ plan: run.plan, mode: run.mode });
    // A network stack a drill leaves behind stays until someone deletes it, and its name blocks a deployAsNew under it: worth an alarm.
    metrics.addMetric('NetworkStacksLeft', MetricUnit.Count, stacksLeft(next.stacks).length);
  }
  return next;
});
