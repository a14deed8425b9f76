// CheckSourceNetworks: one DescribeJobs over the network jobs; a FAILED network stops the plan.
import { drs } from '#shared/aws/drs.ts';
import { checkSourceNetworks } from '#shared/network/recovery.ts';
import { NetworkRunState } from '#shared/network/state.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(NetworkRunState, { networks: true }), async ({ networks }) => checkSourceNetworks(networks, drs));
