// What removing a drill's networks needs from CloudFormation, in its own words. The handler passes
// the adapter over the AWS SDK (shared/aws/cloudformation.ts); unit tests pass plain fakes.

/** A CloudFormation stack, as much of it as the removal reads. */
export interface NetworkStack {
  /** The unique stack ID (an ARN): it finds the stack after its deletion too, its name does not. */
  stackId: string;
  stackName: string;
  /** CloudFormation's StackStatus: CREATE_COMPLETE, ROLLBACK_COMPLETE, DELETE_IN_PROGRESS, DELETE_COMPLETE, DELETE_FAILED, … */
  status: string;
  /** StackStatusReason: why a deletion failed (DELETE_FAILED). */
  statusReason?: string;
  /** CreationTime, ISO: when CloudFormation created the stack. */
  createdAt: string;
}

export interface NetworkStackPort {
  /**
   * DescribeStacks of one stack, by its name (only while it is not deleted) or its stack ID
   * (deleted ones too); undefined when CloudFormation has no such stack.
   */
  describeStack(nameOrId: string): Promise<NetworkStack | undefined>;
  /** DeleteStack by stack ID: starts the deletion (again, after DELETE_FAILED); nothing to do for a stack that is gone. */
  deleteStack(stackId: string): Promise<void>;
}
