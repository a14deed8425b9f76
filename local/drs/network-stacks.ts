// What DRS does in CloudFormation when it recovers a source network: StartSourceNetworkRecovery
// "deploys the VPC using a dedicated CloudFormation stack" (DRS API reference) in the recovery
// account and Region, creating it (a first deployment, or `deployAsNew`: "don't update existing
// CloudFormation stack, recover the network using a new stack") or updating the stack deployed
// before. Declared here as the local DRS service needs it, structurally, so the service knows
// nothing of who keeps the stacks; the local CloudFormation service (local/cloudformation/,
// `stacks`) fits it, and the runner connects the two (`deployNetworksWith`). Without one, a
// network recovery deploys no stack, as before. Calls come from the service's event schedule,
// with the simulated time of the event.

/** Where a stack lives: the account and Region of the store that recovers the network. */
export interface StackPlace {
  account: string;
  region: string;
}

export interface NetworkStackHost {
  /** The stack of that name that is not deleted, if any. */
  stackNamed(place: StackPlace, stackName: string, atMs: number): { stackId: string; status: string } | undefined;
  /** CreateStack: throws (e.g. AlreadyExistsException) when CloudFormation would refuse it. */
  createStack(place: StackPlace, stack: { stackName: string }, atMs: number): { stackId: string };
  /** UpdateStack: throws when CloudFormation would refuse it (a ROLLBACK_COMPLETE stack cannot be updated). */
  updateStack(place: StackPlace, stackName: string, atMs: number): { stackId: string };
  /** The create or update ends: complete, or with `failure` rolled back. */
  finishStackOperation(stackId: string, atMs: number, outcome?: { failure?: string }): unknown;
}
