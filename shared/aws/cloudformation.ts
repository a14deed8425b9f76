// CloudFormation over a traced SDK client in the home Region, for removing a drill's network
// stacks: the one place the CloudFormation client is created. CLOUDFORMATION_ENDPOINT points it at
// the local CloudFormation service; unset, it talks to AWS. The stacks are DRS's, deployed in this
// account and Region (network recovery runs in the home account), so one client serves.
import { CloudFormationClient, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { homeRegion } from '#shared/aws/region.ts';
import { optionalEnv } from '#shared/config.ts';
import type { NetworkStack, NetworkStackPort } from '#shared/network/stacks.ts';
import { traced } from '#shared/powertools.ts';

/**
 * Standard retries (3 attempts): DescribeStacks changes nothing and DeleteStack is idempotent (a
 * stack already deleting or gone is a no-op), so a resend is harmless.
 */
const client = traced(new CloudFormationClient({ region: homeRegion, endpoint: optionalEnv('CLOUDFORMATION_ENDPOINT'), maxAttempts: 3, retryMode: 'standard' }));

/** CloudFormation's answer for a stack that does not exist: ValidationError "Stack with id X does not exist". */
function isMissingStack(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message);
}

/** The port over a client (the shared one unless a test passes its own). */
export function createNetworkStackAdapter(cloudFormation: CloudFormationClient = client): NetworkStackPort {
  return {
    async describeStack(nameOrId) {
      try {
        const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: nameOrId }));
        const stack = Stacks[0];
        if (stack === undefined) return undefined;
        const found: NetworkStack = {
          stackId: stack.StackId ?? nameOrId,
          stackName: stack.StackName ?? nameOrId,
          status: stack.StackStatus ?? 'UNKNOWN',
          createdAt: (stack.CreationTime ?? new Date(0)).toISOString(),
          ...(stack.StackStatusReason === undefined ? {} : { statusReason: stack.StackStatusReason }),
        };
        return found;
      } catch (error) {
        if (isMissingStack(error)) return undefined;
        throw error;
      }
    },

    async deleteStack(stackId) {
      await cloudFormation.send(new DeleteStackCommand({ StackName: stackId }));
    },
  };
}

/** The drill's network stacks, in this account and Region. */
export const networkStacks = createNetworkStackAdapter();
