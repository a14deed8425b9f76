// The CloudFormation actions the orchestrator calls, over the query protocol's parameters:
// DescribeStacks and DeleteStack. Each takes the request's parameters and where it goes (the
// account of its credentials, the Region of its signature's scope) and returns the members of
// its <…Result>, or nothing (DeleteStack answers only its ResponseMetadata).
// Shapes from the CloudFormation API reference (DescribeStacks, DeleteStack, Stack, Output, Tag).
import { validationError } from './errors.ts';
import type { CloudFormationStacks, StackScope, StackView } from './stacks.ts';
import type { XmlMembers } from './xml.ts';

export type OperationHandler = (stacks: CloudFormationStacks, parameters: URLSearchParams, scope: StackScope) => XmlMembers | undefined;

/** A stack as DescribeStacks' <member> writes it. */
function stackMembers(stack: StackView): XmlMembers {
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    Description: stack.description,
    CreationTime: stack.creationTime,
    DeletionTime: stack.deletionTime,
    LastUpdatedTime: stack.lastUpdatedTime,
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DisableRollback: 'false',
    NotificationARNs: [],
    Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
    EnableTerminationProtection: 'false',
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

/** StackName as CloudFormation checks it: 1-128 characters when given (a name or a stack ID). */
function stackNameOf(parameters: URLSearchParams, required: boolean): string | undefined {
  const name = parameters.get('StackName');
  if (name === null) {
    if (required) throw validationError("1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null");
    return undefined;
  }
  if (name.length < 1) throw validationError(`1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  return name;
}

/** DescribeStacks: a stack by name or stack ID (a deleted one by its ID only), or every stack not deleted. NextToken: one page holds them all. */
export const describeStacks: OperationHandler = (stacks, parameters, scope) => ({
  Stacks: stacks.describeStacks(scope, stackNameOf(parameters, false)).map(stackMembers),
});

/** DeleteStack: starts the deletion; RetainResources, RoleARN and ClientRequestToken are accepted and not modelled. */
export const deleteStack: OperationHandler = (stacks, parameters, scope) => {
  stacks.deleteStack(scope, stackNameOf(parameters, true)!);
  return undefined;
};

export const operationHandlers: Record<string, OperationHandler> = {
  DescribeStacks: describeStacks,
  DeleteStack: deleteStack,
};
