// RecoverSourceNetworks: StartSourceNetworkRecovery for the plan's networks, idempotent by job tags.
import { drs } from '#shared/aws/drs.ts';
import { recoverSourceNetworks } from '#shared/network/recovery.ts';
import { RunState } from '#shared/recovery/state.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async ({ run }) => recoverSourceNetworks(run, await loadDeployedPlan(run.plan), drs));
