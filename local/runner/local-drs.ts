// The runner's view of the local DRS service (local/drs/): only what the runner and the progress
// display use, declared structurally so the runner does not depend on the service's internals
// (and tests can stand in a clock for it).
import { startLocalDrs as startLocalDrsService, type Scenario } from '#local/drs/index.ts';

/** A participating server of a DRS job, as the local DRS service reports it. */
export interface DrsJobServer {
  sourceServerID: string;
  recoveryInstanceID?: string;
  launchStatus: string;
  launchActionsStatus?: {
    runs: { action: { name: string; optional?: boolean }; status: string; failureReason?: string }[];
  };
}

export interface DrsJob {
  jobID: string;
  type: string;
  /** FAILBACK for a failback launch (StartFailbackLaunch), START_DRILL, START_RECOVERY, ... */
  initiatedBy?: string;
  status: string;
  participatingServers: DrsJobServer[];
  tags?: Record<string, string>;
}

export interface DrsSourceServer {
  sourceServerID: string;
  tags?: Record<string, string>;
  sourceProperties?: { identificationHints?: { hostname?: string; fqdn?: string } };
}

export interface DrsRecoveryInstance {
  recoveryInstanceID: string;
  sourceServerID: string;
  isDrill?: boolean;
  ec2InstanceState?: string;
  jobID?: string;
}

/** A snapshot of the local DRS service's state. */
export interface DrsStateView {
  now?: string;
  sourceServers: DrsSourceServer[];
  jobs: DrsJob[];
  recoveryInstances: DrsRecoveryInstance[];
}

/** The running local DRS service (see local/drs/index.ts, `startLocalDrs`). */
export interface LocalDrs {
  endpoint: string;
  region: string;
  /** Credentials of the scenario's account, what the handlers sign with; default the default world's function role. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Simulated seconds per real second. */
  speed: number;
  /** The simulated clock: the time every DRS record and every report of the run uses. */
  now(): Date;
  /** Moves the simulated clock forward (how waits pass when the speed is 0). */
  advanceBy(seconds: number): void;
  state(): DrsStateView;
  /** How many requests the service received, of one operation (e.g. `StartRecovery`) or all. */
  countCalls(operation?: string): number;
  stop(): Promise<void>;
}

export interface StartLocalDrsOptions {
  /** A scenario file path or a scenario object; the service's default scenario otherwise. */
  scenario?: string | Scenario;
  speed?: number;
}

/** Starts the local DRS service on an ephemeral port. */
export async function startLocalDrs(options: StartLocalDrsOptions): Promise<LocalDrs> {
  return startLocalDrsService({ scenario: options.scenario, speed: options.speed, port: 0 });
}
