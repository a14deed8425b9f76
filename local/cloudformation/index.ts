// Programmatic entry point of the local CloudFormation service: start it on a port (0 =
// ephemeral) over an identity store (shared with the other local services) and a clock (the
// local DRS service's, in a local run), point the real @aws-sdk/client-cloudformation at it,
// inspect and steer it, stop it. `stacks` is the in-process side: what DRS does in CloudFormation
// when it recovers a source network.
import { DEFAULT_ACCOUNT_ID, defaultCredentials, defaultIdentity, IdentityStore } from '#local/identity/index.ts';
import { parseCloudFormationScenario, type CloudFormationScenario, type Fault } from './scenario.ts';
import { LocalCloudFormationHttpServer, type CloudFormationCall } from './server.ts';
import { CloudFormationStacks, wallClock, type ServiceClock, type StackScope, type StackView } from './stacks.ts';

export { CloudFormationStacks, type ServiceClock, type StackScope, type StackStatus, type StackView } from './stacks.ts';
export { parseCloudFormationScenario, CloudFormationScenarioError, type CloudFormationScenario, type Fault } from './scenario.ts';
export { CloudFormationError } from './errors.ts';
export type { CloudFormationCall };

export interface StartLocalCloudFormationOptions {
  /** The identity world requests are authenticated against (share the local DRS service's); default: the default world. */
  identity?: IdentityStore;
  /** The clock the service answers in; default the wall clock. A local run passes the local DRS service's simulated clock. */
  clock?: ServiceClock;
  /** The scenario's `cloudFormation:` block (stacks that exist, deleteSeconds, faults); validated here. */
  scenario?: CloudFormationScenario | unknown;
  /** Where scenario stacks and faults without `account`/`region` live, and what `state()` shows: default 111122223333 in us-east-1. */
  home?: StackScope;
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
}

export interface LocalCloudFormation {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The home account and Region: where cloudFormationClientFor's requests land. */
  region: string;
  accountId: string;
  identity: IdentityStore;
  /** The in-process API: what DRS creates and updates when it recovers a network. */
  stacks: CloudFormationStacks;
  /** The stacks of an account (default the home one) that are not deleted, or with deleted ones too. */
  state(scope?: { account?: string; region?: string; includeDeleted?: boolean }): { now: string; stacks: StackView[] };
  injectFault(fault: Fault): void;
  clearFaults(): void;
  calls(): CloudFormationCall[];
  /** Requests answered: of one action (e.g. `DeleteStack`) or all. */
  countCalls(action?: string): number;
  stop(): Promise<void>;
}

/** Starts a local CloudFormation service; resolves once it listens. Stop it with `stop()`. */
export async function startLocalCloudFormation(options: StartLocalCloudFormationOptions = {}): Promise<LocalCloudFormation> {
  const identity = options.identity ?? new IdentityStore(defaultIdentity);
  const clock = options.clock ?? wallClock;
  const home = options.home ?? { account: DEFAULT_ACCOUNT_ID, region: 'us-east-1' };
  const stacks = new CloudFormationStacks(clock, parseCloudFormationScenario(options.scenario), home);
  const http = new LocalCloudFormationHttpServer(identity, stacks);
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: home.region,
    accountId: home.account,
    identity,
    stacks,
    state: (scope) => ({ now: new Date(clock.nowMs()).toISOString(), stacks: stacks.state(scope) }),
    injectFault: (fault) => stacks.injectFault(fault),
    clearFaults: () => stacks.clearFaults(),
    calls: () => http.recordedCalls(),
    countCalls: (action) => http.countCalls('action', action),
    stop: () => http.close(),
  };
}
