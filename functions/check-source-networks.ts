// CheckSourceNetworks: one DescribeJobs over the network jobs; a FAILED network stops the plan.
import { drs } from '#shared/drs/default.ts';
import { checkSourceNetworks } from '#shared/network/recovery.ts';
import { NetworkRunState } from '#shared/network/state.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(NetworkRunState.required({ networks: true }), async ({ networks }) => checkSourceNetworks(networks, drs));
