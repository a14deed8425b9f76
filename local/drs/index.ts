// Programmatic entry point of the local DRS service: start it on a port (0 = ephemeral), point
// the real @aws-sdk/client-drs at it, inspect and steer it, stop it.
import { DrsClient, type DrsClientConfig } from '@aws-sdk/client-drs';
import { DrsSimulator, type JobTimeline } from './simulator.ts';
import { LocalDrsHttpServer, type RecordedCall } from './server.ts';
import { defaultScenarioPath, loadScenario, parseScenario, type ParsedScenario, type Scenario } from './scenario.ts';
import type { Fault } from './faults.ts';
import type { Job, RecoveryInstance, SourceNetwork, SourceServer } from './wire.ts';

export { loadScenario, parseScenario, defaultScenarioPath, ScenarioError } from './scenario.ts';
export { generateScenario, type GenerateScenarioOptions, type GeneratedServer } from './generate-scenario.ts';
export { quotas } from './simulator.ts';
export { quotaCodes } from './errors.ts';
export type { Scenario, ParsedScenario, Fault, RecordedCall, JobTimeline };

export interface StartLocalDrsOptions {
  /** A scenario object or the path of a YAML/JSON scenario file; default `scenarios/default.yaml`. */
  scenario?: Scenario | string;
  /** Simulated seconds per real second (default 600; 0 freezes time except advanceBy). */
  speed?: number;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
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
  region: string;
  accountId: string;
  speed: number;
  /** The scenario in force, defaults filled in. */
  scenario: ParsedScenario;
  /** Simulated now. */
  now(): Date;
  /** Moves simulated time forward and applies what falls due. */
  advanceBy(seconds: number): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  calls(): RecordedCall[];
  countCalls(operation?: string): number;
  /** Plain JSON snapshots, as DRS would return the records. */
  state(): LocalDrsState;
  /** Per job and server, the phase timestamps actually simulated so far. */
  timeline(): JobTimeline[];
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
  const sim = new DrsSimulator(scenario, speed);
  const http = new LocalDrsHttpServer(sim);
  const port = await http.listen(options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: sim.region,
    accountId: sim.accountId,
    speed,
    scenario,
    now: () => sim.clock.now(),
    advanceBy: (seconds) => {
      sim.clock.advanceBy(seconds);
      sim.advance();
    },
    injectFault: (fault) => sim.injectFault(fault),
    clearFaults: () => sim.clearFaults(),
    calls: () => http.calls.all(),
    countCalls: (operation) => http.calls.count(operation),
    state: () => sim.state() as LocalDrsState,
    timeline: () => sim.timeline(),
    stop: () => http.close(),
  };
}

/** A DrsClient for the local service: its endpoint and region, dummy credentials. */
export function drsClientFor(localDrs: Pick<LocalDrs, 'endpoint' | 'region'>, config: Partial<DrsClientConfig> = {}): DrsClient {
  return new DrsClient({
    endpoint: localDrs.endpoint,
    region: localDrs.region,
    credentials: { accessKeyId: 'AKIDLOCALDRS', secretAccessKey: 'local-drs-secret' },
    ...config,
  });
}
