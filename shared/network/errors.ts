// Errors of source network recovery, by name for the state machine's Catch.

/** A source network's CloudFormation deployment FAILED: the servers would have no network. */
export class SourceNetworkRecoveryFailedError extends Error {
  override name = 'SourceNetworkRecoveryFailedError';
}

/** Source network recovery did not finish in time. */
export class SourceNetworkRecoveryTimedOutError extends Error {
  override name = 'SourceNetworkRecoveryTimedOutError';
}

/** A drill's network stacks were still being deleted when removal gave up: they may be left behind. */
export class DrillNetworkRemovalIncompleteError extends Error {
  override name = 'DrillNetworkRemovalIncompleteError';
}
