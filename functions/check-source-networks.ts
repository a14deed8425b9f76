// CheckSourceNetworks: one DescribeJobs over the network jobs (after starting any DRS refused for
// now); a FAILED network stops the plan.
import { drs } from '#shared/aws/drs.ts';
import { checkSourceNetworks } from '#shared/network/recovery.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

export const handler = stepHandler(z.required(RunState, { networks: true }), async ({ run, networks }) => checkSourceNetworks(run, networks, drs, () => loadDeployedPlan(run.plan)));
