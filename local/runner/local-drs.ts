// The runner's view of the local DRS service (local/drs/): only what the runner and the progress
// display use, declared structurally so the runner does not depend on the service's internals
// (and tests can stand in a clock for it). A run's DRS service comes with a local STS service over
// the same identity store, so the role sessions the handlers assume are accepted by DRS, and a
// local Step Functions service that answers for the executions the runner runs, and a local
// CloudFormation service in DRS's simulated time, where DRS deploys recovered networks.
import { startLocalCloudFormation, type LocalCloudFormation } from '#local/cloudformation/index.ts';
import { startLocalDrs as startLocalDrsService, type DrsServiceEvent, type NetworkStackHost, type ParsedScenario, type Scenario } from '#local/drs/index.ts';
import { DEFAULT_ACCOUNT_ID, IdentityStore } from '#local/identity/index.ts';
import { startLocalStepFunctions, type LocalExecutions } from '#local/stepfunctions/index.ts';
import { startLocalSts } from '#local/sts/index.ts';
import { startLocalDynamoDb, type LocalDynamoDb } from '#local/dynamodb/index.ts';
import { startActionServicesFor, type ActionServicesEndpoints } from './action-services.ts';

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
  /** The EventBridge events the service sends, with their exact simulated time (local/drs's `onEvent`); none: it sends none. */
  onEvent?(listener: (event: DrsServiceEvent, atMs: number) => void): () => void;
  /** When the simulation next changes anything by itself (simulated epoch ms). */
  nextEventAtMs?(): number | undefined;
  /** Simulated milliseconds each DRS request takes on a frozen clock. */
  setApiLatency?(ms: number): void;
  /** The home account's stores, or every account's (a multi-account run's progress). */
  state(scope?: { allAccounts?: boolean }): DrsStateView;
  /**
   * When each server's phases started, as DRS's job log says (SNAPSHOT_START, CONVERSION_START,
   * LAUNCH_START): the live view's heartbeat tells what launching servers are doing. Absent: not known.
   */
  timeline?(scope?: { allAccounts?: boolean }): Array<{ jobID: string; servers: Array<{ sourceServerID: string; snapshotStart?: string; conversionStart?: string; launchStart?: string }> }>;
  /** How many requests the service received, of one operation (e.g. `StartRecovery`) or all. */
  countCalls(operation?: string): number;
  /** The identity world the service authenticates against; a run's local STS service shares it. */
  identity?: IdentityStore;
  /** The scenario the service runs, defaults filled in: a run derives the handlers' ACCOUNTS from it. */
  scenario?: ParsedScenario;
  /** The local STS service started with it (startLocalDrs here), stopped with it; else each run starts its own. */
  sts?: LocalStsEndpoint;
  /**
   * The local Step Functions service started with it (startLocalDrs here), stopped with it: the
   * runs on this service register their executions there. Else each run starts its own.
   */
  stepFunctions?: LocalStepFunctionsEndpoint;
  /** The local DynamoDB service started with it (the plan lock table's); else each run starts its own. */
  dynamodb?: LocalDynamoDbEndpoint;
  /** The local CloudFormation service started with it (startLocalDrs here), stopped with it; else each run starts its own. */
  cloudFormation?: LocalCloudFormationEndpoint;
  /** The SSM, SNS, Route 53 and Lambda services started with it (approval gates, action steps); else each run starts its own. */
  actions?: ActionServicesEndpoints;
  /** The scenario file it was started from: the Lambda functions' handler paths are relative to it. */
  scenarioFile?: string;
  /** The simulated clock, for a CloudFormation service a run starts for it (local/drs's `clock`). */
  clock?: { nowMs(): number; advance(): void };
  /** Where recovered networks deploy their stacks (local/drs's `deployNetworksWith`). */
  deployNetworksWith?(host: NetworkStackHost | undefined): void;
  /** Stops the service (and the services started with it). */
  stop(): Promise<void>;
}

/** The runner's view of a local STS service: where the handlers send AssumeRole. */
export interface LocalStsEndpoint {
  endpoint: string;
}

/** The runner's view of a local Step Functions service: where its executions are registered and answered for. */
export interface LocalStepFunctionsEndpoint {
  endpoint: string;
  executions: LocalExecutions;
}

/** The runner's view of a local DynamoDB service: where the handlers send the lock's writes, and how a run creates its table. */
export type LocalDynamoDbEndpoint = Pick<LocalDynamoDb, 'endpoint' | 'createTable'>;

/** The runner's view of a local CloudFormation service: where the handlers send DescribeStacks and DeleteStack. */
export interface LocalCloudFormationEndpoint {
  endpoint: string;
}

/**
 * A local CloudFormation service for a DRS service: the same identity store, DRS's simulated
 * clock, the scenario's `cloudFormation:` block, stacks placed in the scenario's account and
 * Region by default; DRS deploys recovered networks into it from now on.
 */
export async function startCloudFormationFor(drs: Pick<LocalDrs, 'identity' | 'clock' | 'scenario' | 'region' | 'deployNetworksWith'>): Promise<LocalCloudFormation> {
  const cloudFormation = await startLocalCloudFormation({
    identity: drs.identity ?? new IdentityStore(),
    ...(drs.clock === undefined ? {} : { clock: drs.clock }),
    scenario: drs.scenario?.cloudFormation,
    home: { account: drs.scenario?.accountId ?? DEFAULT_ACCOUNT_ID, region: drs.region },
  });
  drs.deployNetworksWith?.(cloudFormation.stacks);
  return cloudFormation;
}

export interface StartLocalDrsOptions {
  /** A scenario file path or a scenario object; the service's default scenario otherwise. */
  scenario?: string | Scenario;
  speed?: number;
}

/**
 * Starts the local DRS service on an ephemeral port, and a local STS and a local Step Functions
 * service sharing its identity store (the scenario's `identity:`), and a local DynamoDB service (the
 * plan lock table's) and a local CloudFormation service in its simulated time (the scenario's
 * `cloudFormation:`), and the approval gates' and action steps' SSM, SNS, Route 53 and Lambda
 * (action-services.ts); `stop()` stops them all.
 */
export async function startLocalDrs(options: StartLocalDrsOptions): Promise<LocalDrs> {
  const drs = await startLocalDrsService({ scenario: options.scenario, speed: options.speed, port: 0 });
  const started: Array<{ stop(): Promise<void> }> = [drs];
  const keep = <Service extends { stop(): Promise<void> }>(service: Service) => {
    started.push(service);
    return service;
  };
  try {
    // Side by side, each on a port of its own; every start is waited for, so that a failed one
    // still stops all the others.
    const starting = [
      startLocalSts({ identity: drs.identity }).then(keep),
      // Its StopExecution dates a stop in the DRS service's simulated time, as everything else of a run.
      startLocalStepFunctions({ identity: drs.identity, now: () => drs.now() }).then(keep),
      startLocalDynamoDb({ identity: drs.identity }).then(keep),
      startCloudFormationFor(drs).then(keep),
      startActionServicesFor(drs, { scenarioFile: drs.scenarioFile }).then(keep),
    ] as const;
    await Promise.allSettled(starting);
    const [sts, stepFunctions, dynamodb, cloudFormation, actions] = await Promise.all(starting);
    return {
      ...drs,
      sts: { endpoint: sts.endpoint },
      stepFunctions: { endpoint: stepFunctions.endpoint, executions: stepFunctions.executions },
      dynamodb: { endpoint: dynamodb.endpoint, createTable: dynamodb.createTable },
      cloudFormation: { endpoint: cloudFormation.endpoint },
      actions,
      stop: async () => {
        await Promise.all(started.map((service) => service.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((service) => service.stop()));
    throw error;
  }
}
