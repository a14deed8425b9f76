// Programmatic entry point of the local DRS service: start it on a port (0 = ephemeral), point
// the real @aws-sdk/client-drs at it, inspect and steer it, stop it.
import { defaultCredentials, IdentityStore } from '#local/identity/index.ts';
import type { JobTimeline } from './simulator.ts';
import { LocalDrsHttpServer, type RecordedCall, type UnknownCredentials } from './server.ts';
import { defaultScenarioPath, homePrincipalOf, identityOf, loadScenario, parseScenario, ScenarioError, type ParsedScenario, type Scenario } from './scenario.ts';
import { DrsWorld, type StoreScope } from './world.ts';
import type { Fault } from './faults.ts';
import type { NetworkStackHost } from './network-stacks.ts';
import type { DrsServiceEvent } from './service-events.ts';
import type { Job, RecoveryInstance, SourceNetwork, SourceServer } from './wire.ts';

export { loadScenario, parseScenario, identityOf, homePrincipalOf, defaultScenarioPath, ScenarioError, MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION } from './scenario.ts';
export {
  generateScenario,
  generatedStagingAccountId,
  generatedTargetAccountId,
  generatedTargetRoleArn,
  type GenerateScenarioOptions,
  type GeneratedServer,
} from './generate-scenario.ts';
export { quotas } from './simulator.ts';
export type { DrsServiceEvent } from './service-events.ts';
export { quotaCodes } from './errors.ts';
export type { Scenario, ParsedScenario, Fault, RecordedCall, JobTimeline, StoreScope, UnknownCredentials, NetworkStackHost };

/** Credentials a client signs with; the session token for temporary (role) credentials. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface StartLocalDrsOptions {
  /** A scenario object or the path of a YAML/JSON scenario file; default `scenarios/default.yaml`. */
  scenario?: Scenario | string;
  /** Simulated seconds per real second (default 600; 0 freezes time except advanceBy). */
  speed?: number;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /**
   * The identity world that tells whose a request's access key is (share it with startLocalSts);
   * default: a store of the scenario's `identity:`, or of the default world.
   */
  identity?: IdentityStore;
  /**
   * Requests the identity world cannot place (unsigned, or an unknown access key): `reject`
   * (default, as AWS: UnrecognizedClientException) or `homeAccount` (answered for the scenario's
   * account, for tools that sign with dummy credentials).
   */
  unknownCredentials?: UnknownCredentials;
}

export interface LocalDrsState {
  now: string;
  sourceServers: SourceServer[];
  jobs: Job[];
  recoveryInstances: RecoveryInstance[];
  sourceNetworks: SourceNetwork[];
}

export interface LocalDrs {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The scenario's Region and account: where drsClientFor's requests land. */
  region: string;
  accountId: string;
  /** Credentials of a principal of `accountId` (the default world's: `defaultCredentials`). */
  credentials: LocalCredentials;
  identity: IdentityStore;
  speed: number;
  /** The scenario in force, defaults filled in. */
  scenario: ParsedScenario;
  /** The file the scenario was read from (the default one when none was given); undefined for a scenario object. */
  scenarioFile?: string;
  /** Simulated now. */
  now(): Date;
  /** Moves simulated time forward and applies what falls due. */
  advanceBy(seconds: number): void;
  /**
   * The simulated clock for another local service that acts in DRS's time (the local
   * CloudFormation service): now, and `advance`, which applies what DRS has due (a network
   * deployment finishing) before that service answers.
   */
  clock: { nowMs(): number; advance(): void };
  /** Recovered networks deploy their stacks there from now on (a local CloudFormation's `stacks`); undefined: no stacks. */
  deployNetworksWith(host: NetworkStackHost | undefined): void;
  /** Calls `listener` with each EventBridge event the service sends (service-events.ts) and its exact simulated time; returns how to stop. */
  onEvent(listener: (event: DrsServiceEvent, atMs: number) => void): () => void;
  /** When the simulation next changes anything by itself (simulated epoch ms), undefined: nothing scheduled. */
  nextEventAtMs(): number | undefined;
  /** Simulated milliseconds each request takes while the clock is frozen (0: none, the default). */
  setApiLatency(ms: number): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  calls(): RecordedCall[];
  /** Requests received: of one operation (e.g. `StartRecovery`) or all, in one account or all. */
  countCalls(operation?: string, accountId?: string): number;
  /** Plain JSON snapshots, as DRS would return the records: of the scenario's account in every Region, unless `scope` says. */
  state(scope?: StoreScope): LocalDrsState;
  /** Per job and server, the phase timestamps actually simulated so far (same scope as state). */
  timeline(scope?: StoreScope): JobTimeline[];
  stop(): Promise<void>;
}

export const DEFAULT_SPEED = 600;

async function resolveScenario(scenario: Scenario | string | undefined): Promise<ParsedScenario> {
  if (scenario === undefined) return loadScenario(defaultScenarioPath);
  if (typeof scenario === 'string') return loadScenario(scenario);
  return parseScenario(scenario);
}

/** Starts a local DRS service; resolves once it listens. */
export async function startLocalDrs(options: StartLocalDrsOptions = {}): Promise<LocalDrs> {
  const speed = options.speed ?? DEFAULT_SPEED;
  if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`speed must be a non-negative number, got ${speed}`);
  const scenario = await resolveScenario(options.scenario);
  const identity = options.identity ?? new IdentityStore(identityOf(scenario));
  const credentials = credentialsOf(identity, scenario);
  const world = new DrsWorld(scenario, speed);
  const http = new LocalDrsHttpServer(world, identity, options.unknownCredentials ?? 'reject');
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: scenario.region,
    accountId: scenario.accountId,
    credentials,
    identity,
    speed,
    scenario,
    ...(options.scenario === undefined ? { scenarioFile: defaultScenarioPath } : typeof options.scenario === 'string' ? { scenarioFile: options.scenario } : {}),
    now: () => world.clock.now(),
    advanceBy: (seconds) => {
      world.clock.advanceBy(seconds);
      world.advance();
    },
    clock: { nowMs: () => world.nowMs(), advance: () => void world.advance() },
    deployNetworksWith: (host) => {
      world.networkStacks = host;
    },
    onEvent: (listener) => world.onEvent(listener),
    nextEventAtMs: () => world.nextEventAtMs(),
    setApiLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`an API latency must be a non-negative number of milliseconds, got ${ms}`);
      world.apiLatencyMs = ms;
    },
    injectFault: (fault) => world.injectFault(fault),
    clearFaults: () => world.clearFaults(),
    calls: () => http.calls.all(),
    countCalls: (operation, accountId) => http.calls.count(operation, accountId),
    state: (scope) => world.state(scope) as LocalDrsState,
    timeline: (scope) => world.timeline(scope),
    stop: () => http.close(),
  };
}

/**
 * Credentials of the scenario's account (homePrincipalOf): the default world's function role when
 * the store has them there, else its first principal. Every account the scenario names must be in
 * the store.
 */
function credentialsOf(identity: IdentityStore, scenario: ParsedScenario): LocalCredentials {
  const known = new Set(identity.accounts().map((a) => a.id));
  const named = [scenario.accountId, ...scenario.sourceServers.map((s) => s.account ?? scenario.accountId), ...scenario.stagingAccounts.map((s) => s.accountId)];
  const missing = [...new Set(named.filter((id) => !known.has(id)))];
  if (missing.length > 0) throw new ScenarioError(`the scenario names accounts the identity store does not have: ${missing.join(', ')}`);
  const principal = homePrincipalOf(identity.identity, scenario.accountId);
  if (!principal) throw new ScenarioError(`account ${scenario.accountId} has no principal with credentials in the identity world: declare one under identity.accounts`);
  return { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey, ...(principal.sessionToken ? { sessionToken: principal.sessionToken } : {}) };
}
