// Programmatic entry point of the local Step Functions service: start it on a port (0 =
// ephemeral) over an identity store (shared with the other local services, so the same
// credentials work there), register the executions something runs on this machine in its
// `executions`, point the real @aws-sdk/client-sfn (or the AWS CLI) at it, stop it.
import { defaultCredentials, defaultIdentity, IdentityStore, loadIdentity, type Identity } from '#local/identity/index.ts';
import { LocalExecutions } from './executions.ts';
import type { LocalTaskTokens } from './tokens.ts';
import { LocalStepFunctionsHttpServer, type StepFunctionsCall } from './server.ts';

export { LocalExecutions, type ExecutionEnd, type ExecutionHandle, type ExecutionRecord, type ExecutionStart, type ExecutionStatus, type EndStatus, type LocalExecutionsOptions } from './executions.ts';
export { executionArnOf, parseExecutionArn, parseStateMachineArn, stateMachineArnOf, type ExecutionRef, type StateMachineRef } from './arn.ts';
export { SfnError } from './errors.ts';
export { LocalTaskTokens, type IssuedTask, type TaskIssue, type TaskOutcome } from './tokens.ts';
export type { StepFunctionsCall };

export interface StartLocalStepFunctionsOptions {
  /**
   * The identity world: a store shared with other local services, an identity fragment, or the
   * path of a scenario file whose `identity:` it reads. Default: the default local world.
   */
  identity?: IdentityStore | Identity | string;
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
  /**
   * The clock StopExecution reads its stopDate from (a simulated one in a local run); default the
   * identity store's. Signatures are always checked against the identity store's clock.
   */
  now?: () => Date;
}

export interface LocalStepFunctions {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The Region clients are configured with by default; the service answers for every Region. */
  region: string;
  /** The identity store it authenticates against. */
  identity: IdentityStore;
  /** The executions it answers for: register one with `start`, end it with its handle. */
  executions: LocalExecutions;
  /** The task tokens of the executions' callback Tasks (the same as `executions.tokens`). */
  tokens: LocalTaskTokens;
  /** Calls answered so far: operation, account, Region, status, error code. */
  calls(): StepFunctionsCall[];
  stop(): Promise<void>;
}

async function resolveIdentity(identity: StartLocalStepFunctionsOptions['identity']): Promise<IdentityStore> {
  if (identity instanceof IdentityStore) return identity;
  if (typeof identity === 'string') return new IdentityStore(await loadIdentity(identity, defaultIdentity));
  return new IdentityStore(identity ?? defaultIdentity);
}

/** Starts a local Step Functions service; resolves once it listens. Stop it with `stop()`. */
export async function startLocalStepFunctions(options: StartLocalStepFunctionsOptions = {}): Promise<LocalStepFunctions> {
  const identity = await resolveIdentity(options.identity);
  const executions = new LocalExecutions({ now: options.now ?? identity.now });
  const http = new LocalStepFunctionsHttpServer(identity, executions);
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    identity,
    executions,
    tokens: executions.tokens,
    calls: () => http.recordedCalls(),
    stop: () => http.close(),
  };
}
