// RecoverSourceNetworks: StartSourceNetworkRecovery for the plan's networks, idempotent by job tags.
import { drs } from '#shared/aws/drs.ts';
import { recoverSourceNetworks } from '#shared/network/recovery.ts';
import { NetworkRunState } from '#shared/network/state.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(NetworkRunState, async ({ run }) => recoverSourceNetworks(run, await loadDeployedPlan(run.plan), drs));
