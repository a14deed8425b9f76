// Programmatic entry point of the local SSM (Systems Manager Automation) service: start it on a
// port (0 = ephemeral) over an identity store (shared with the other local services, so the same
// credentials work there), a clock (the local DRS service's simulated one, in a local run) and the
// scenario's `ssm:` block (the documents and what their executions do); point the real
// @aws-sdk/client-ssm (or the AWS CLI) at it; inspect it; stop it.
import { DEFAULT_ACCOUNT_ID, defaultCredentials, defaultIdentity, IdentityStore } from '#local/identity/index.ts';
import { SsmAutomation, wallClock, type ExecutionView, type ServiceClock, type SsmScope } from './automation.ts';
import { parseSsmScenario, type SsmScenario } from './scenario.ts';
import { LocalSsmHttpServer, type SsmCall } from './server.ts';

export { SsmAutomation, wallClock, type AutomationStatus, type ExecutionView, type ServiceClock, type SsmScope, type Tag } from './automation.ts';
export { parseSsmScenario, SsmScenarioError, ssmScenarioSchema, type SsmScenario, type ParsedSsmScenario, type SsmDocument } from './scenario.ts';
export { SsmError } from './errors.ts';
export type { SsmCall };

export interface StartLocalSsmOptions {
  /** The identity world requests are authenticated against (share the local DRS service's); default: the default world. */
  identity?: IdentityStore;
  /** The clock the service answers in; default the wall clock. A local run passes its simulated clock. */
  clock?: ServiceClock;
  /** The scenario's `ssm:` block (documents, cancelSeconds); validated here (SsmScenarioError). */
  scenario?: SsmScenario | unknown;
  /** Where documents without `account`/`region` live, and what `state()` shows: default 111122223333 in us-east-1. */
  home?: SsmScope;
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  port?: number;
}

export interface LocalSsm {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The home account and Region: where ssmClientFor's requests land. */
  region: string;
  accountId: string;
  identity: IdentityStore;
  /** The documents and executions: the service's state. */
  automation: SsmAutomation;
  /** The executions of an account and Region (default the home ones), oldest first, as at the service's clock. */
  state(scope?: Partial<SsmScope>): { now: string; executions: ExecutionView[] };
  /** Calls answered so far: operation, account, Region, status, error code. */
  calls(): SsmCall[];
  /** Requests answered: of one operation (e.g. `StartAutomationExecution`) or all. */
  countCalls(operation?: string): number;
  stop(): Promise<void>;
}

/** Starts a local SSM service; resolves once it listens. Stop it with `stop()`. Throws SsmScenarioError for a wrong `scenario`. */
export async function startLocalSsm(options: StartLocalSsmOptions = {}): Promise<LocalSsm> {
  const identity = options.identity ?? new IdentityStore(defaultIdentity);
  const clock = options.clock ?? wallClock;
  const home = options.home ?? { account: DEFAULT_ACCOUNT_ID, region: 'us-east-1' };
  const automation = new SsmAutomation(clock, parseSsmScenario(options.scenario), home);
  const http = new LocalSsmHttpServer(identity, automation);
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: home.region,
    accountId: home.account,
    identity,
    automation,
    state: (scope) => ({ now: new Date(clock.nowMs()).toISOString(), executions: automation.state(scope) }),
    calls: () => http.recordedCalls(),
    countCalls: (operation) => http.countCalls('operation', operation),
    stop: () => http.close(),
  };
}
