// The local DRS world: one store (DrsSimulator) per account and Region, as DRS keeps source
// servers, jobs, recovery instances and quotas per account and Region, sharing one simulated clock
// and one event schedule so time moves for every store at once. Stores are made on first use: an
// account the identity world knows but the scenario gives no servers answers empty lists.
import { SimulatedClock, isoTime } from './clock.ts';
import { EventSchedule } from './events.ts';
import { faultSchema, RequestFaults, type Fault } from './faults.ts';
import { sourceServerIdFor } from './ids.ts';
import { scenarioServerOf, type ParsedScenario } from './scenario.ts';
import { DrsSimulator, type JobTimeline } from './simulator.ts';
import type { NetworkStackHost } from './network-stacks.ts';
import type { DrsServiceEvent } from './service-events.ts';

/** Which stores an inspection covers: an account (default: the scenario's) or every account, and one Region or all. */
export interface StoreScope {
  accountId?: string;
  /** Every account's stores (a multi-account run's whole world); `accountId` is then ignored. */
  allAccounts?: boolean;
  region?: string;
}

export class DrsWorld {
  readonly clock: SimulatedClock;
  readonly schedule = new EventSchedule();
  /** Request faults (throttling, errors, lost responses) hit the endpoint, whatever the account. */
  readonly requestFaults = new RequestFaults();
  readonly startMs: number;
  readonly home: DrsSimulator;
  private readonly stores = new Map<string, DrsSimulator>();
  /** Staging account → the target accounts that may extend its servers. */
  private readonly extensibleInto = new Map<string, Set<string>>();
  /** `account/region` of stores the scenario declares uninitialized that InitializeService has since initialized. */
  private readonly initializedSince = new Set<string>();
  /** Where recovered networks' stacks are deployed (a local CloudFormation); none: networks deploy no stack. */
  networkStacks?: NetworkStackHost;
  /** Who hears the service's EventBridge events (service-events.ts), as DRS sends them to each account's default bus. */
  private readonly eventListeners = new Set<(event: DrsServiceEvent, atMs: number) => void>();
  /**
   * Simulated milliseconds each request takes when the clock is frozen (speed 0): DRS's own
   * latency, so that a benchmark's simulated figures include it. 0 by default.
   */
  apiLatencyMs = 0;

  constructor(readonly scenario: ParsedScenario, speed: number) {
    const epoch = scenario.startTime ? new Date(scenario.startTime) : new Date();
    this.clock = new SimulatedClock(epoch, speed);
    this.startMs = epoch.getTime();
    this.home = this.store(scenario.accountId, scenario.region);
    for (const server of scenario.sourceServers) this.store(server.account ?? scenario.accountId, server.region ?? scenario.region).addScenarioServer(server);
    for (const staging of scenario.stagingAccounts) {
      const targets = this.extensibleInto.get(staging.accountId) ?? new Set<string>();
      targets.add(staging.targetAccount ?? scenario.accountId);
      this.extensibleInto.set(staging.accountId, targets);
      // The short form lists the staging account's servers here; they live in its own store.
      const store = this.store(staging.accountId, scenario.region);
      for (const server of staging.extensibleSourceServers) {
        store.addScenarioServer(scenarioServerOf({ hostname: server.hostname, tags: server.tags, id: sourceServerIdFor(`${staging.accountId}:${server.hostname}`) }));
      }
    }
    for (const fault of scenario.faults) this.injectFault(fault);
  }

  /** The store of `accountId` in `region`, made empty on first use. */
  store(accountId: string, region: string): DrsSimulator {
    const key = `${accountId}/${region}`;
    let store = this.stores.get(key);
    if (!store) {
      store = new DrsSimulator(this, accountId, region);
      this.stores.set(key, store);
    }
    return store;
  }

  /** Whether the scenario lets `targetAccount` extend source servers of `stagingAccount`. */
  mayExtend(stagingAccount: string, targetAccount: string): boolean {
    return this.extensibleInto.get(stagingAccount)?.has(targetAccount) ?? false;
  }

  /** Whether DRS was initialized in `accountId` and `region`: not declared `uninitialized:`, or InitializeService called since. */
  isInitialized(accountId: string, region: string): boolean {
    if (this.initializedSince.has(`${accountId}/${region}`)) return true;
    return !this.scenario.uninitialized.some((entry) => entry.account === accountId && (entry.region === undefined || entry.region === region));
  }

  /** InitializeService: DRS is initialized in `accountId` and `region` from now on (in that Region only). */
  initialize(accountId: string, region: string): void {
    this.initializedSince.add(`${accountId}/${region}`);
  }

  storesOf(scope: StoreScope = {}): DrsSimulator[] {
    const accountId = scope.accountId ?? this.scenario.accountId;
    return [...this.stores.values()].filter(
      (store) => (scope.allAccounts === true || store.accountId === accountId) && (scope.region === undefined || store.region === scope.region),
    );
  }

  /** Calls `listener` with every event the service sends from now on, and its exact simulated time (the event's has whole seconds); returns how to stop. */
  onEvent(listener: (event: DrsServiceEvent, atMs: number) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Sends an event, as DRS puts it on the default bus of the account where it happened. */
  emit(event: DrsServiceEvent, atMs: number): void {
    for (const listener of this.eventListeners) listener(event, atMs);
  }

  /** When the simulation next changes anything by itself (simulated epoch ms); undefined: never, until a request. */
  nextEventAtMs(): number | undefined {
    return this.schedule.nextAtMs();
  }

  nowMs(): number {
    return Math.floor(this.clock.nowMs());
  }

  /** Applies everything scheduled, in every store, up to the simulated now. */
  advance(): number {
    const now = this.nowMs();
    this.schedule.runUntil(now);
    return now;
  }

  /** A server fault goes to the store holding the server (the home store first); request faults to the endpoint. */
  injectFault(input: Fault): void {
    const fault = faultSchema.parse(input);
    if (this.requestFaults.add(fault)) return;
    const target = 'sourceServerID' in fault || 'hostname' in fault ? (fault as { sourceServerID?: string; hostname?: string }) : undefined;
    const holder = target
      ? [this.home, ...this.stores.values()].find((store) =>
          target.sourceServerID ? store.sourceServers.has(target.sourceServerID) : [...store.sourceServers.values()].some((r) => r.hostname === target.hostname),
        )
      : undefined;
    (holder ?? this.home).injectFault(fault);
  }

  clearFaults(): void {
    this.requestFaults.clear();
    for (const store of this.stores.values()) store.clearFaults();
  }

  /** The records of an account (default: the scenario's), in one Region or all, as DRS returns them. */
  state(scope: StoreScope = {}) {
    const now = this.advance();
    const parts = this.storesOf(scope).map((store) => store.state());
    const jobs = parts.flatMap((part) => part.jobs).sort((a, b) => b.creationDateTime.localeCompare(a.creationDateTime));
    return {
      now: isoTime(now),
      sourceServers: parts.flatMap((part) => part.sourceServers),
      jobs,
      recoveryInstances: parts.flatMap((part) => part.recoveryInstances),
      sourceNetworks: parts.flatMap((part) => part.sourceNetworks),
    };
  }

  timeline(scope: StoreScope = {}): JobTimeline[] {
    return this.storesOf(scope)
      .flatMap((store) => store.timeline())
      .sort((a, b) => a.created.localeCompare(b.created));
  }
}
