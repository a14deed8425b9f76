// One execution of the recovery state machine on this machine: the ASL file run by
// aws-local-stepfunctions, its Tasks invoking the built handlers, against the local DRS service
// in simulated time, with a local STS service for the accounts the handlers reach by AssumeRole,
// and registered with a local Step Functions service that answers for it (DescribeExecution,
// ListExecutions) and stops it (StopExecution) as Step Functions would.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { DEFAULT_BUILD_DIR } from '#deploy/build.ts';
import {
  fakeLambdaArn,
  prepareForLocalRun,
  readPath,
  readStateMachine,
  SIMULATED_START_TIME_FIELD,
  TASK_TOKEN_PLACEHOLDER,
  TIMEOUT_SECONDS_FIELD,
  type CallbackTaskSpec,
  type LocalDefinition,
  type WaitSpec,
} from './definition.ts';
import { HistoryCounter } from './history-events.ts';
import { createLambdaInvoker, startLambdaHost, type LambdaFault, type LambdaInvoker } from './lambda.ts';
import { DRS_EVENT_RULES, startEventRouting, type EventDelivery, type EventRouting, type EventRoutingCounts } from './event-routing.ts';
import { defaultCredentials, defaultUserCredentials, IdentityStore } from '#local/identity/index.ts';
import {
  executionArnOf,
  parseStateMachineArn,
  startLocalStepFunctions,
  stateMachineArnOf,
  type ExecutionEnd,
  type ExecutionRecord,
  type LocalExecutions,
  type LocalStepFunctions,
  type LocalTaskTokens,
  type TaskOutcome,
} from '#local/stepfunctions/index.ts';
import { startLocalSts, type LocalSts } from '#local/sts/index.ts';
import { startLocalDynamoDb, type LocalDynamoDb } from '#local/dynamodb/index.ts';
import { startActionServicesFor, type ActionServices, type ActionServicesEndpoints } from './action-services.ts';
import { approveAfter, writeLocalServices, type LocalServicesDocument } from './approvals.ts';
import { lockTableDefinition } from '#shared/lock/keys.ts';
import type { AccountsConfig } from '#shared/accounts/config.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { accountsEnvironmentValue, accountsOfScenario } from './accounts.ts';
import {
  startLocalDrs,
  startCloudFormationFor,
  type LocalCloudFormationEndpoint,
  type LocalDrs,
  type LocalDynamoDbEndpoint,
  type LocalStepFunctionsEndpoint,
  type LocalStsEndpoint,
  type StartLocalDrsOptions,
} from './local-drs.ts';

export const DEFAULT_STATE_MACHINE = fileURLToPath(new URL('../../statemachines/recovery.asl.yaml', import.meta.url));
/** What EventBridge starts after a recovery execution was aborted or timed out. */
export const STOPPED_RUN_STATE_MACHINE = fileURLToPath(new URL('../../statemachines/stopped-run.asl.yaml', import.meta.url));
/** The state machine of `"mode": "failback"` runs. */
export const FAILBACK_STATE_MACHINE = fileURLToPath(new URL('../../statemachines/failback.asl.yaml', import.meta.url));

/** The state machine a run's input asks for: failback runs on its own. */
export function stateMachineFor(input: Record<string, unknown>): string {
  return input.mode === 'failback' ? FAILBACK_STATE_MACHINE : DEFAULT_STATE_MACHINE;
}

/**
 * The handlers local runs of these inputs can invoke: every Task of their state machines and of
 * the stopped-run workflow (an abort or a timeout starts it), and the function DRS's event rules
 * invoke. `npm start` builds these, not every handler.
 */
export async function functionKeysOfRuns(inputs: ReadonlyArray<Record<string, unknown>>): Promise<string[]> {
  const keys = new Set(DRS_EVENT_RULES.map((rule) => rule.functionKey));
  for (const path of new Set([...inputs.map(stateMachineFor), STOPPED_RUN_STATE_MACHINE])) {
    const local = prepareForLocalRun(await readStateMachine(path), { region: 'us-east-1', speed: 0 });
    for (const key of Object.values(local.lambdaTasks)) keys.add(key);
    for (const task of Object.values(local.callbackTasks)) if (task.functionKey !== undefined) keys.add(task.functionKey);
  }
  return [...keys].sort();
}

/**
 * The stage whose names a local execution's ARN carries: deploy/serverless.cjs names the recovery
 * state machine `drs-orchestrator-<stage>-recovery`, serverless.yml the others after it with
 * `-failback` and `-stopped-run`.
 */
const LOCAL_RECOVERY_STATE_MACHINE_NAME = 'drs-orchestrator-local-recovery';

/** The name a state machine file is deployed under at stage `local`; a test's fixture is named after its file. */
function stateMachineNameFor(path: string): string {
  const file = resolve(path);
  if (file === DEFAULT_STATE_MACHINE) return LOCAL_RECOVERY_STATE_MACHINE_NAME;
  if (file === FAILBACK_STATE_MACHINE) return `${LOCAL_RECOVERY_STATE_MACHINE_NAME}-failback`;
  if (file === STOPPED_RUN_STATE_MACHINE) return `${LOCAL_RECOVERY_STATE_MACHINE_NAME}-stopped-run`;
  return basename(file).replace(/(\.asl)?\.(ya?ml|json)$/, '');
}

/** One entry of aws-local-stepfunctions' event log. */
export type ExecutionLogEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer Event> ? Event : never;

/** What an observer of a run (the progress display, a test) learns when it starts. */
export interface RunInfo {
  executionName: string;
  /** `arn:aws:states:<region>:<account>:execution:<state machine>:<name>`, as the local Step Functions service knows it. */
  executionArn: string;
  /** Simulated time the execution started ($$.Execution.StartTime). */
  startTime: string;
  drs: LocalDrs;
  reportsDir: string;
  /** Simulated seconds per real second the waits are paced at (0: not paced). */
  speed: number;
  /** Callback Tasks whose timeout is a poll (a launch result would only have cut it short): their timeout is no failure. */
  pollingCallbacks: ReadonlySet<string>;
}

export interface RunLocalOptions {
  /** The execution input: `{plan, mode, ...overrides}`; passed as is, the workflow validates it. */
  input: Record<string, unknown>;
  /** Folder of plan files (PLANS_DIR); the workflow finds the plan by its `name`. */
  plansDir: string;
  /** Where the workflow writes its reports (REPORTS_DIR). */
  reportsDir: string;
  /** A running local DRS service to use (and leave running); otherwise one is started and stopped. */
  drs?: LocalDrs;
  /** Scenario (file path or object) of the service started for this run. */
  scenario?: StartLocalDrsOptions['scenario'];
  /**
   * Simulated seconds per real second (default 600). The service this run starts keeps its clock
   * frozen and the workflow's waits move it: each wait sleeps its time divided by the speed, then
   * advances the clock by exactly its time. So handler work costs no simulated time, as a
   * Lambda's milliseconds cost a DRS job nothing, and timings are exact and repeatable.
   * 0 runs the waits without pausing. A service passed in with a running clock keeps it.
   */
  speed?: number;
  /** Defaults to `<plan>-<mode>-<yyyymmddThhmmss>-<4 random>` in simulated time. */
  executionName?: string;
  onEvent?: (event: ExecutionLogEvent, run: RunInfo) => void;
  /** Lambda service failures to simulate, by Task state name. */
  lambdaFaults?: Record<string, LambdaFault>;
  /** Handler logs on the terminal (pretty-printed) instead of in reports/<execution>.log. */
  verbose?: boolean;
  /** The ASL file (default: statemachines/failback.asl.yaml for mode failback, else recovery.asl.yaml); tests use fixtures. */
  stateMachinePath?: string;
  /** Where the built handlers are (default .build/functions, see `npm run build`). */
  buildDir?: string;
  /**
   * The handlers' ACCOUNTS (the stage configuration's accounts). Default: derived from the DRS
   * service's scenario (`accountsOfScenario`; none for a single-account scenario). `null`: none;
   * a string is passed as is (malformed JSON included); anything else is JSON-encoded unchecked,
   * so a test can configure a wrong external ID or a role that cannot be assumed.
   */
  accounts?: unknown;
  /**
   * Stop the execution from outside, as "Stop execution" in the console does, when it enters this
   * state (the `entry`-th time, default the first). The run then ends ABORTED, and the runner
   * routes Step Functions' status-change event to the stopped-run workflow as EventBridge would
   * (`afterStop` in the result).
   */
  abortAt?: { state: string; entry?: number };
  /**
   * Aborting it stops the execution the same way (Ctrl-C of `npm run local`), as does
   * StopExecution of its ARN at the local Step Functions service.
   */
  stop?: AbortSignal;
  /**
   * The execution's TimeoutSeconds instead of the state machine's (tests: a timeout within a few
   * simulated minutes). Either is counted in simulated time: past it, the run ends TIMED_OUT.
   */
  timeoutSeconds?: number;
  /**
   * Told of every task token a callback Task (`.waitForTaskToken`) was given, with the
   * Parameters it was started with (the token in place): how a test or an operator learns the
   * token of a Task whose Resource sends it nowhere local (SNS, SQS, …).
   */
  onTaskToken?: (task: IssuedTaskToken) => void;
  /**
   * Approve every approval gate (RequestApproval) this long after it asks, in simulated seconds,
   * through the approve command's path (demos, tests). Unset: a gate waits for a person
   * (`npm run aws -- approve|reject --execution <name> --local`) or its timeout.
   */
  approveAfterSeconds?: number;
  /**
   * How the run's EventBridge delivers DRS's events (event-routing.ts): delay, dropped and
   * repeated events, or none at all. Default: each delivered at once, none lost.
   */
  events?: EventDelivery;
  /**
   * Latencies of the services, in simulated milliseconds, added to a frozen clock (a running one
   * has real ones): each Lambda invocation, each state transition, each DRS request, each event's
   * delivery (unless `events.delayMs` says otherwise). Default: none, so simulated figures count
   * DRS's own time only. Benchmarks model them.
   */
  latencies?: Latencies;
}

/** Modelled service latencies, in milliseconds (RunLocalOptions.latencies). */
export interface Latencies {
  lambdaInvokeMs?: number;
  stateTransitionMs?: number;
  drsApiMs?: number;
  eventDeliveryMs?: number;
}

/** A token a callback Task of the run was given. */
export interface IssuedTaskToken {
  executionArn: string;
  stateName: string;
  resource: string;
  token: string;
  /** The Task's Parameters, evaluated, with the token where `$$.Task.Token` was. */
  parameters: unknown;
}

export interface RunResult {
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  executionName: string;
  /** The execution's ARN at the local Step Functions service (`$$.Execution.Id` of the run). */
  executionArn: string;
  output?: unknown;
  error?: string;
  cause?: string;
  /** reports/<execution>.json, when the workflow wrote it. */
  reportPath?: string;
  /** reports/<execution>.log: what the handlers printed (unless verbose: then the terminal). */
  logPath?: string;
  /** History events the execution would have on AWS Step Functions (Standard). */
  historyEvents: number;
  /** The largest state input or output, in bytes of JSON (quota: 256 KiB). */
  largestPayloadBytes: number;
  /** How many times each Task state's handler ran, retries included (and each event rule's target, by rule name). */
  lambdaInvocations: Record<string, number>;
  /** What the run's EventBridge did with DRS's events. */
  events: EventRoutingCounts;
  /** Simulated time the run took. */
  simulatedSeconds: number;
  wallMs: number;
  /** An aborted run: the stopped-run workflow EventBridge started for it (its clean-up and report). */
  afterStop?: RunResult;
}

export const DEFAULT_SPEED = 600;

/** `payments-drill-20260301T020000-k3f9`: unique, readable, within the 80-character limit. */
export function executionNameFor(input: Record<string, unknown>, at: Date): string {
  const clean = (value: unknown, fallback: string) =>
    typeof value === 'string' && /^[A-Za-z0-9-]{1,40}$/.test(value) ? value : fallback;
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${clean(input.plan, 'plan')}-${clean(input.mode, 'run')}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** The simulated seconds a Wait state waits for, given its input and the simulated time. */
export function waitSeconds(spec: WaitSpec, input: unknown, now: Date): number {
  if ('seconds' in spec) return spec.seconds;
  if ('secondsPath' in spec) {
    const seconds = readPath(input, spec.secondsPath);
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw Object.assign(new Error(`SecondsPath ${spec.secondsPath} is ${JSON.stringify(seconds)}, not a non-negative integer`), {
        name: 'States.Runtime',
      });
    }
    return seconds;
  }
  const timestamp = 'timestamp' in spec ? spec.timestamp : readPath(input, spec.timestampPath);
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) throw Object.assign(new Error(`Timestamp ${String(timestamp)} is not a time`), { name: 'States.Runtime' });
  return Math.max(0, (at - now.getTime()) / 1000);
}

/**
 * How an execution waits `seconds` of simulated time: with a running service clock, the scaled real
 * time; with a frozen one, a paced pause (none at speed 0), then the clock moved by exactly that
 * much. The pace is the run's as a whole: simulated time does not run ahead of the real time since
 * the execution began × speed, so the real time the handlers took while the clock stood still is
 * not paid a second time in the next pause (`npm start` paced each pause in full: 1.5-2 s more).
 */
function pacedWaits(drs: LocalDrs, speed: number): Pace {
  const startedReal = performance.now();
  const startedSimulated = drs.now().getTime();
  return {
    async wait(seconds) {
      if (drs.speed > 0) {
        await sleep((seconds * 1000) / drs.speed);
        return;
      }
      if (speed > 0) {
        const dueReal = startedReal + (drs.now().getTime() + seconds * 1000 - startedSimulated) / speed;
        const pause = dueReal - performance.now();
        if (pause > 0) await sleep(pause);
      }
      drs.advanceBy(seconds);
    },
    dueMs: () => startedSimulated + (performance.now() - startedReal) * speed,
  };
}

/** A paced execution's waits (pacedWaits). */
interface Pace {
  /** Waits `seconds` of simulated time. */
  wait(seconds: number): Promise<void>;
  /** The simulated time (epoch ms) the pace has reached: the clock may move up to it, not past. */
  dueMs(): number;
}

/**
 * The definitions asl-validator has accepted, by SHA-256 of their JSON text and the library's
 * version: kept beside the build (`.build/validated-definitions.json`), so that a definition is
 * validated once, not at every start (0.4 s of `npm start`) nor in every test file's process.
 */
const VALIDATED_FILE = join(dirname(DEFAULT_BUILD_DIR), 'validated-definitions.json');
let validated: Promise<Set<string>> | undefined;

function validatedDefinitions(): Promise<Set<string>> {
  validated ??= readFile(VALIDATED_FILE, 'utf8').then(
    (text) => new Set((JSON.parse(text) as { definitions?: string[] }).definitions ?? []),
    () => new Set<string>(),
  );
  return validated;
}

let validatorVersion: string | undefined;

/** The definition's key: another version of the library (and its validator) validates again. */
function definitionKey(text: string): string {
  validatorVersion ??= (JSON.parse(readFileSync(fileURLToPath(new URL('../../node_modules/aws-local-stepfunctions/package.json', import.meta.url)), 'utf8')) as { version: string }).version;
  return createHash('sha256').update(`aws-local-stepfunctions ${validatorVersion}\n${text}`).digest('hex');
}

/**
 * The library's state machine for a definition, validated (asl-validator) unless this text was
 * validated before. An invalid definition still throws the library's error, and is not recorded.
 */
async function stateMachineOf(definition: unknown): Promise<StateMachine> {
  const key = definitionKey(JSON.stringify(definition));
  const known = await validatedDefinitions();
  if (known.has(key)) return new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const machine = new StateMachine(definition as never);
  known.add(key);
  // Aside, then renamed: test files in parallel processes never read half a file (a lost update
  // only validates a definition once more).
  const aside = `${VALIDATED_FILE}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(dirname(VALIDATED_FILE), { recursive: true });
  await writeFile(aside, `${JSON.stringify({ definitions: [...known] })}\n`);
  await rename(aside, VALIDATED_FILE);
  return machine;
}

/** Runs the state machine once, locally. Resolves with the outcome; a failed run does not throw. */
export async function runLocal(options: RunLocalOptions): Promise<RunResult> {
  const wallStart = Date.now();
  const drs = options.drs ?? (await startLocalDrs({ scenario: options.scenario, speed: 0 }));
  const speed = drs.speed > 0 ? drs.speed : (options.speed ?? (options.drs ? 0 : DEFAULT_SPEED));
  let ownSts: LocalSts | undefined;
  let ownStepFunctions: LocalStepFunctions | undefined;
  let ownDynamoDb: LocalDynamoDb | undefined;
  let ownCloudFormation: { stop(): Promise<void> } | undefined;
  let ownActions: ActionServices | undefined;
  let removeServicesFile: (() => Promise<void>) | undefined;
  try {
    // A service started elsewhere (startLocalDrs of local/drs) has no STS nor Step Functions: this
    // run brings them over its identity store, and stops them at the end.
    const identity = drs.identity ?? new IdentityStore();
    // The services start side by side, each on a port of its own. Every one is waited for, even
    // when another fails to start, so that the finally below stops all those that did start.
    const starting = [
      drs.sts ?? startLocalSts({ identity }).then((started) => (ownSts = started)),
      drs.stepFunctions ?? startLocalStepFunctions({ identity, now: () => drs.now() }).then((started) => (ownStepFunctions = started)),
      // The plan lock's table, in the handlers' account and Region, as the stack creates it on AWS.
      Promise.resolve<LocalDynamoDbEndpoint>(drs.dynamodb ?? startLocalDynamoDb({ identity }).then((started) => (ownDynamoDb = started))).then(async (started) => {
        await deployLockTable(started, drs);
        return started;
      }),
      // Nor a CloudFormation: this run brings one in its simulated time, where DRS deploys networks.
      drs.cloudFormation ?? startCloudFormationFor(drs).then((started) => (ownCloudFormation = started)),
      // And the approval gates' and action steps' SSM, SNS, Route 53 and Lambda.
      drs.actions ??
        startActionServicesFor(drs, { scenarioFile: drs.scenarioFile ?? (typeof options.scenario === 'string' ? options.scenario : undefined) }).then((started) => (ownActions = started)),
    ] as const;
    await Promise.allSettled(starting);
    const [sts, stepFunctions, dynamodb, cloudFormation, actions]: [
      LocalStsEndpoint,
      LocalStepFunctionsEndpoint,
      LocalDynamoDbEndpoint,
      LocalCloudFormationEndpoint,
      ActionServicesEndpoints,
    ] = await Promise.all(starting);
    const stateMachinePath = options.stateMachinePath ?? stateMachineFor(options.input);
    const local = prepareForLocalRun(await readStateMachine(stateMachinePath), {
      region: drs.region,
      speed,
    });
    // The state machine as deployed, in the account the handlers sign for and the DRS service's Region.
    const stateMachine = parseStateMachineArn(stateMachineArnOf(drs.region, handlerAccountOf(drs, identity), stateMachineNameFor(stateMachinePath)));
    // Named when asked for; started (StartTime) once the handlers are loaded: loading takes real
    // seconds, which are simulated minutes the execution should not be charged for.
    let executionName = options.executionName ?? executionNameFor(options.input, drs.now());
    // A shared Step Functions service may hold a run of the same plan from the same simulated
    // second: a generated name is drawn again rather than refused as ExecutionAlreadyExists.
    while (options.executionName === undefined && stepFunctions.executions.get(executionArnOf(stateMachine, executionName)) !== undefined) {
      executionName = executionNameFor(options.input, drs.now());
    }
    const executionArn = executionArnOf(stateMachine, executionName);
    const reportsDir = resolve(options.reportsDir);
    await mkdir(reportsDir, { recursive: true });
    // Without --verbose, handler output goes to the run's log, as to CloudWatch Logs on AWS.
    const logPath = options.verbose ? undefined : join(reportsDir, `${executionName}.log`);
    const log = logPath === undefined ? undefined : createWriteStream(logPath, { flags: 'a' });
    // DRS's events reach the functions their rules name, unless told otherwise, the service sends
    // none, or nothing of the workflow waits for them (a callback its timeout only cuts short).
    const routesEvents = options.events?.off !== true && drs.onEvent !== undefined && Object.values(local.callbackTasks).some((task) => task.waitCutShort === true);
    // Validated (asl-validator, once per definition: stateMachineOf) before the clock counts: a real second is a simulated ten minutes.
    const machine = await stateMachineOf(local.definition);
    const host = await startLambdaHost({
      buildDir: options.buildDir ?? DEFAULT_BUILD_DIR,
      functionKeys: [
        ...Object.values(local.lambdaTasks),
        ...Object.values(local.callbackTasks).flatMap((task) => task.functionKey ?? []),
        ...(routesEvents ? DRS_EVENT_RULES.map((rule) => rule.functionKey) : []),
      ],
      env: handlerEnvironment({
        drs,
        sts,
        dynamodb,
        stepFunctions,
        cloudFormation,
        actions,
        accounts: accountsEnvironmentValue(accountsOfRun(drs), options.accounts),
        plansDir: resolve(options.plansDir),
        reportsDir,
        eventsFile: eventsFilePath(reportsDir, executionName),
        verbose: options.verbose ?? false,
      }),
      output: log === undefined ? (text) => process.stdout.write(text) : (text) => log.write(text),
    });
    // Where `npm run aws -- approve|reject --local` finds this run's services while it is in progress.
    const services: LocalServicesDocument = {
      region: drs.region,
      lockTable: LOCAL_LOCK_TABLE,
      endpoints: { dynamodb: dynamodb.endpoint, stepFunctions: stepFunctions.endpoint, sts: sts.endpoint },
      credentials: approverCredentialsOf(drs, identity),
      stateMachines: (({ recovery, failback }) => ({ recovery, failback }))(localStateMachineArns(drs)),
    };
    // As a deployment has both workflows from the start: listing one with no run yet is no error.
    for (const arn of Object.values(services.stateMachines)) stepFunctions.executions.defineStateMachine(arn);
    removeServicesFile = await writeLocalServices(reportsDir, services);
    // The action functions log where the handlers do: the run's log, or the terminal with --verbose.
    actions.logTo(log === undefined ? undefined : (text) => log.write(text));
    const approvals: Promise<void>[] = [];
    const onTaskToken = (task: IssuedTaskToken) => {
      options.onTaskToken?.(task);
      if (options.approveAfterSeconds === undefined || task.stateName !== 'RequestApproval') return;
      approvals.push(
        approveAfter(services, drs, speed, executionName, task.token, options.approveAfterSeconds).catch((error: unknown) => {
          process.stderr.write(`automatic approval of ${executionName} failed: ${(error as Error).message}\n`);
        }),
      );
    };
    const latencies = options.latencies ?? {};
    const lambda = withInvokeLatency(createLambdaInvoker(host, options.lambdaFaults), drs, latencies.lambdaInvokeMs ?? 0);
    const eventSource = drs.onEvent === undefined ? undefined : { onEvent: drs.onEvent };
    const routing = routesEvents && eventSource !== undefined
      ? startEventRouting(eventSource, DRS_EVENT_RULES, (rule, batch) => lambda.invoke(rule.name, rule.functionKey, fakeLambdaArn(drs.region, rule.functionKey), batch), {
          ...options.events,
          delayMs: options.events?.delayMs ?? latencies.eventDeliveryMs ?? 0,
          seed: options.events?.seed ?? executionName,
        })
      : undefined;
    drs.setApiLatency?.(latencies.drsApiMs ?? 0);
    try {
      const startedAt = drs.now();
      const pollingCallbacks = new Set(Object.entries(local.callbackTasks).flatMap(([name, task]) => (task.waitCutShort === true ? [name] : [])));
      const run: RunInfo = { executionName, executionArn, startTime: startedAt.toISOString(), drs, reportsDir, speed, pollingCallbacks };
      const outcome = await execute(machine, local, lambda, { ...options, onTaskToken }, run, {
        executions: stepFunctions.executions,
        stateMachine: { arn: stateMachine.arn, name: stateMachine.name },
        routing,
        stateTransitionMs: latencies.stateTransitionMs ?? 0,
      });
      // EventBridge routes Step Functions' status change of an aborted or timed-out recovery
      // execution to the stopped-run workflow (serverless.yml); here the runner does. The rule
      // matches no execution of the stopped-run workflow itself.
      const stopped = outcome.status === 'ABORTED' || outcome.status === 'TIMED_OUT';
      const afterStop =
        stopped && resolve(stateMachinePath) !== STOPPED_RUN_STATE_MACHINE
          ? await runAfterStop(options, { drs, sts, stepFunctions, dynamodb, cloudFormation, execution: stepFunctions.executions.get(executionArn)!, speed })
          : undefined;
      const reportFile = join(reportsDir, `${executionName}.json`);
      return {
        ...outcome,
        events: { ...(routing?.counts ?? NO_EVENTS) },
        ...(afterStop === undefined ? {} : { afterStop }),
        executionName,
        executionArn,
        ...(existsSync(reportFile) ? { reportPath: reportFile } : {}),
        ...(logPath === undefined ? {} : { logPath }),
        simulatedSeconds: Math.round((drs.now().getTime() - startedAt.getTime()) / 1000),
        wallMs: Date.now() - wallStart,
      };
    } finally {
      routing?.stop();
      drs.setApiLatency?.(0);
      await Promise.all(approvals);
      actions.logTo(undefined);
      await host.stop();
      if (log !== undefined) await new Promise((done) => log.end(done));
    }
  } finally {
    await removeServicesFile?.();
    await Promise.all([ownSts?.stop(), ownStepFunctions?.stop(), ownDynamoDb?.stop(), ownActions?.stop()]);
    if (ownCloudFormation !== undefined) {
      drs.deployNetworksWith?.(undefined);
      await ownCloudFormation.stop();
    }
    if (!options.drs) await drs.stop();
  }
}

/** The credentials the handlers sign with: the function role's session in the scenario's account. */
const handlerCredentialsOf = (drs: LocalDrs) => drs.credentials ?? defaultCredentials;

/**
 * Who decides a local run's approval gates: the operator (an IAM user of the default world) when the
 * run's world has that user in the handlers' account, as a person at a terminal; else the handlers'
 * own credentials (a scenario with an identity world of its own).
 */
function approverCredentialsOf(drs: LocalDrs, identity: IdentityStore): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const operator = identity.identityOf(defaultUserCredentials.accessKeyId);
  return operator !== undefined && operator.account === handlerAccountOf(drs, identity) ? defaultUserCredentials : handlerCredentialsOf(drs);
}

/** The lock table of a local run: the stack's table of stage `local` (serverless.yml, LockTable). */
export const LOCAL_LOCK_TABLE = 'drs-orchestrator-local-locks';

/** Creates the lock table for the handlers' account and Region, unless an earlier run on these services did. */
async function deployLockTable(dynamodb: LocalDynamoDbEndpoint, drs: LocalDrs): Promise<void> {
  try {
    await dynamodb.createTable(lockTableDefinition(LOCAL_LOCK_TABLE), { region: drs.region, credentials: handlerCredentialsOf(drs) });
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
}

/**
 * The recovery, failback and stopped-run state machines of runs on `drs`, as the runner registers
 * their executions (stage `local`): what the orphan sweeper asks about.
 */
export function localStateMachineArns(drs: LocalDrs): { recovery: string; failback: string; stoppedRun: string } {
  const account = handlerAccountOf(drs, drs.identity ?? new IdentityStore());
  const arnOf = (path: string) => stateMachineArnOf(drs.region, account, stateMachineNameFor(path));
  return { recovery: arnOf(DEFAULT_STATE_MACHINE), failback: arnOf(FAILBACK_STATE_MACHINE), stoppedRun: arnOf(STOPPED_RUN_STATE_MACHINE) };
}

/** The account the handlers' credentials belong to: where the run's executions are, as a deployment's are in its account. */
function handlerAccountOf(drs: LocalDrs, identity: IdentityStore): string {
  const { accessKeyId } = handlerCredentialsOf(drs);
  const account = identity.identityOf(accessKeyId)?.account;
  if (account === undefined) throw new ConfigurationError(`the handlers' access key ${accessKeyId} belongs to no account of the local identity world`);
  return account;
}

/**
 * The accounts a run on `drs` hands its handlers unless told otherwise: what the service's
 * scenario stands for (`accountsOfScenario`), trust judged for the principal the handlers sign as.
 */
export function accountsOfRun(drs: LocalDrs): AccountsConfig | undefined {
  if (drs.scenario === undefined) return undefined;
  const signer = drs.identity?.identityOf(handlerCredentialsOf(drs).accessKeyId)?.principalArn;
  return accountsOfScenario(drs.scenario, signer);
}

/**
 * Step Functions' "Execution Status Change" event of an execution that ended, as EventBridge
 * delivers it (the AWS Step Functions Developer Guide's examples): dates in epoch milliseconds,
 * the input as a JSON string, no output for an execution that did not succeed.
 */
function statusChangeEventOf(execution: ExecutionRecord): Record<string, unknown> {
  const stopDate = execution.stopDate ?? execution.startDate;
  const { account, region } = parseStateMachineArn(execution.stateMachineArn);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: stopDate.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: stopDate.getTime(),
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output ?? null,
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}

/** The stopped-run workflow of an aborted execution, started with the event EventBridge would send. */
function runAfterStop(
  options: RunLocalOptions,
  stopped: { drs: LocalDrs; sts: LocalStsEndpoint; stepFunctions: LocalStepFunctionsEndpoint; dynamodb: LocalDynamoDbEndpoint; cloudFormation: LocalCloudFormationEndpoint; execution: ExecutionRecord; speed: number },
): Promise<RunResult> {
  return runLocal({
    ...options,
    input: statusChangeEventOf(stopped.execution),
    // The same services: the run's STS too, so the stopped run reaches the same accounts, and its
    // Step Functions, which then holds the stopped-run execution as well.
    drs: { ...stopped.drs, sts: stopped.sts, stepFunctions: stopped.stepFunctions, dynamodb: stopped.dynamodb, cloudFormation: stopped.cloudFormation },
    speed: stopped.speed,
    stateMachinePath: STOPPED_RUN_STATE_MACHINE,
    executionName: `${stopped.execution.name}-stopped`,
    abortAt: undefined,
    stop: undefined,
    timeoutSeconds: undefined,
    lambdaFaults: undefined,
  });
}

type ExecutionOutcome = Omit<RunResult, 'executionName' | 'executionArn' | 'reportPath' | 'simulatedSeconds' | 'wallMs' | 'events'>;

/** How an outcome is recorded at the local Step Functions service, as Step Functions records it. */
function executionEndOf(outcome: Pick<ExecutionOutcome, 'status' | 'output' | 'error' | 'cause'>, stopDate: Date): ExecutionEnd {
  switch (outcome.status) {
    case 'SUCCEEDED':
      return { status: 'SUCCEEDED', stopDate, output: JSON.stringify(outcome.output ?? null) };
    case 'FAILED':
      return { status: 'FAILED', stopDate, ...(outcome.error === undefined ? {} : { error: outcome.error }), ...(outcome.cause === undefined ? {} : { cause: outcome.cause }) };
    // A timeout is recorded with the error States.Timeout and no cause.
    case 'TIMED_OUT':
      return { status: 'TIMED_OUT', stopDate, error: 'States.Timeout' };
    // Stopped without StopExecution (abortAt, Ctrl-C): as the console's "Stop execution", no error or cause.
    case 'ABORTED':
      return { status: 'ABORTED', stopDate };
  }
}

/** Runs the prepared definition with every Task overridden by a local handler. */
async function execute(
  machine: StateMachine,
  local: LocalDefinition,
  lambda: LambdaInvoker,
  options: RunLocalOptions,
  run: RunInfo,
  stepFunctions: { executions: LocalExecutions; stateMachine: { arn: string; name: string }; routing: EventRouting | undefined; stateTransitionMs: number },
): Promise<ExecutionOutcome> {
  const { drs } = run;
  const pace = pacedWaits(drs, run.speed);
  const lambdaTasks = Object.entries(local.lambdaTasks).map(([stateName, functionKey]) => [
    stateName,
    (event: unknown) => lambda.invoke(stateName, functionKey, fakeLambdaArn(drs.region, functionKey), event),
  ]);
  // TimeoutSeconds in simulated time: only the waits move the clock, so a wait that reaches the
  // deadline is where the execution times out.
  const timeoutSeconds = options.timeoutSeconds ?? local.timeoutSeconds;
  const deadline = timeoutSeconds === undefined ? Number.POSITIVE_INFINITY : Date.parse(run.startTime) + timeoutSeconds * 1000;
  let timedOut = false;
  const reachedDeadline = () => {
    timedOut = true;
    execution.abort();
  };
  const waitTasks = Object.entries(local.waits).map(([stateName, spec]) => [
    stateName,
    async (input: unknown) => {
      // Let the run's observers see this state entered (and what came before) at the time it was
      // entered, before the wait moves the clock: on a frozen clock it jumps at once.
      await setImmediatePromise();
      const seconds = waitSeconds(spec, input, drs.now());
      const left = (deadline - drs.now().getTime()) / 1000;
      await pace.wait(Math.min(seconds, Math.max(0, left)));
      if (seconds >= left) reachedDeadline();
      return {}; // discarded: the state's ResultPath is null, so its input passes through
    },
  ]);

  const callbackTasks = Object.entries(local.callbackTasks).map(([stateName, spec]) => [
    stateName,
    (parameters: unknown) =>
      runCallbackTask(stateName, spec, parameters, {
        lambda,
        tokens: stepFunctions.executions.tokens,
        executionArn: registered.executionArn,
        run,
        deadline,
        reachedDeadline,
        onTaskToken: options.onTaskToken,
        routing: stepFunctions.routing,
        pace,
      }),
  ]);

  const history = new HistoryCounter(local.stateTypes);
  // Registered before it starts, so it is RUNNING at the local Step Functions service from its
  // first state on; StopExecution there stops it as "Stop execution" in the console does.
  const registered = stepFunctions.executions.start({
    stateMachineArn: stepFunctions.stateMachine.arn,
    name: run.executionName,
    input: JSON.stringify(options.input),
    startDate: new Date(run.startTime),
    stop: () => execution.abort(),
  });
  // The library's types do not model our payloads (plain JSON) nor our extra context field. It
  // fills no Execution.Id; on AWS `$$.Execution.Id` is the execution's ARN, `$$.StateMachine.Id`
  // the state machine's.
  const execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: Object.fromEntries([...lambdaTasks, ...waitTasks, ...callbackTasks]) },
    context: {
      // Only callback Tasks may read it (definition.ts): the runner puts the token in its place.
      Task: { Token: TASK_TOKEN_PLACEHOLDER },
      Execution: { Id: registered.executionArn, Name: run.executionName, [SIMULATED_START_TIME_FIELD]: run.startTime },
      // The library fills no State: the time a state reads it is when it was entered, in simulated
      // time (Parameters and a Pass state's fields are evaluated on entering it).
      State: {
        get EnteredTime() {
          return run.drs.now().toISOString();
        },
      },
      StateMachine: { Id: stepFunctions.stateMachine.arn, Name: stepFunctions.stateMachine.name },
    },
  });
  let entries = 0;
  options.stop?.addEventListener('abort', () => execution.abort(), { once: true });
  const followEvents = (async () => {
    for await (const event of execution.eventLogs) {
      history.record(event);
      // Each state entered costs the modelled transition on a frozen clock.
      if (event.type === 'StateEntered' && stepFunctions.stateTransitionMs > 0 && drs.speed <= 0) drs.advanceBy(stepFunctions.stateTransitionMs / 1000);
      const abortAt = options.abortAt;
      if (abortAt !== undefined && event.type === 'StateEntered' && event.state?.name === abortAt.state && (entries += 1) === (abortAt.entry ?? 1)) execution.abort();
      try {
        options.onEvent?.(event, run);
      } catch {
        // A broken observer must not change the run's outcome.
      }
    }
  })();

  const outcome = await execution.result.then(
    (output) => ({ status: 'SUCCEEDED' as const, output }),
    (thrown: unknown) =>
      thrown instanceof ExecutionAbortedError
        ? timedOut
          ? { status: 'TIMED_OUT' as const, error: 'States.Timeout', cause: `the execution ran past its TimeoutSeconds (${timeoutSeconds} s)` }
          : { status: 'ABORTED' as const, error: 'ExecutionAborted', cause: 'stopped from outside (Stop execution, Ctrl-C)' }
        : { status: 'FAILED' as const, ...failureOf(thrown) },
  );
  // Recorded at once, before anything else can run: a StopExecution arriving after the end
  // finds it ended and changes nothing; one that came first already recorded ABORTED.
  registered.end(executionEndOf(outcome, drs.now()));
  await followEvents;
  return {
    ...outcome,
    historyEvents: history.historyEvents,
    largestPayloadBytes: history.largestPayloadBytes,
    lambdaInvocations: { ...lambda.invocations },
  };
}

/** How often a callback Task's wait looks at its outcome and moves a frozen clock, in real milliseconds. */
const CALLBACK_TICK_MS = 10;

/** An error whose name is what Retry and Catch match, as Step Functions reports a callback's failure or timeout. */
const stateError = (name: string, message: string) => Object.assign(new Error(message), { name });

/** `value` with every occurrence of the token placeholder (in any string, keys included) replaced by `token`. */
function withTaskToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.replaceAll(TASK_TOKEN_PLACEHOLDER, token);
  if (Array.isArray(value)) return value.map((item) => withTaskToken(item, token));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [withTaskToken(key, token) as string, withTaskToken(item, token)]));
}

/**
 * A callback Task (`.waitForTaskToken`): a token issued at the local Step Functions service, the
 * handler invoked with `Parameters.Payload` for `lambda:invoke` (its error fails the Task, its
 * result is not the Task's), then the wait for SendTaskSuccess (the Task's result: its output)
 * or SendTaskFailure (an error named as given, for Retry and Catch). Simulated time passes while
 * it waits, at the run's speed (a frozen clock is moved, stopping exactly at the next deadline);
 * at speed 0 it does not pass, so no timeout fires. TimeoutSeconds and HeartbeatSeconds end the
 * Task with States.Timeout and States.HeartbeatTimeout, the execution's own TimeoutSeconds the run.
 */
async function runCallbackTask(
  stateName: string,
  spec: CallbackTaskSpec,
  evaluated: unknown,
  context: {
    lambda: LambdaInvoker;
    tokens: LocalTaskTokens;
    executionArn: string;
    run: RunInfo;
    deadline: number;
    reachedDeadline: () => void;
    onTaskToken: RunLocalOptions['onTaskToken'];
    routing: EventRouting | undefined;
    pace: Pace;
  },
): Promise<unknown> {
  const { drs, speed } = context.run;
  let timeoutSeconds = spec.timeoutSeconds;
  if (spec.timeoutSecondsFromInput === true) {
    const { [TIMEOUT_SECONDS_FIELD]: fromPath, ...rest } = (evaluated ?? {}) as Record<string, unknown>;
    if (typeof fromPath !== 'number' || !Number.isInteger(fromPath) || fromPath < 1) {
      throw stateError('States.Runtime', `${stateName}: TimeoutSecondsPath gave ${JSON.stringify(fromPath)}, not a positive integer`);
    }
    timeoutSeconds = fromPath;
    evaluated = rest;
  }
  const issued = context.tokens.issue({
    executionArn: context.executionArn,
    stateName,
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
    ...(spec.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: spec.heartbeatSeconds }),
  });
  try {
    const parameters = withTaskToken(evaluated, issued.token);
    context.onTaskToken?.({ executionArn: context.executionArn, stateName, resource: spec.resource, token: issued.token, parameters });
    if (spec.functionKey !== undefined) {
      const payload = (parameters as { Payload?: unknown } | null)?.Payload;
      await context.lambda.invoke(stateName, spec.functionKey, fakeLambdaArn(drs.region, spec.functionKey), payload ?? {});
    }
    const outcome = await awaitCallback(issued, context.tokens, drs, speed, context.deadline, context.reachedDeadline, {
      routing: context.routing,
      cutShort: spec.waitCutShort === true,
      pace: context.pace,
    });
    switch (outcome.status) {
      case 'SUCCEEDED':
        return JSON.parse(outcome.output) as unknown;
      case 'FAILED':
        throw stateError(outcome.error ?? '', outcome.cause ?? '');
      case 'TIMED_OUT':
        throw stateError(outcome.error, `${stateName} got no ${outcome.error === 'States.Timeout' ? 'callback' : 'heartbeat'} in time`);
      case 'CANCELLED':
        throw stateError('States.Runtime', `${stateName}: the execution ended while it waited for its callback`);
    }
  } finally {
    issued.cancel(); // a Lambda error or an abort leaves no open task behind
  }
}

async function awaitCallback(
  issued: ReturnType<LocalTaskTokens['issue']>,
  tokens: LocalTaskTokens,
  drs: LocalDrs,
  speed: number,
  executionDeadline: number,
  reachedDeadline: () => void,
  wait: { routing: EventRouting | undefined; cutShort: boolean; pace: Pace },
): Promise<TaskOutcome> {
  let settled: TaskOutcome | undefined;
  void issued.result.then((outcome) => (settled = outcome));
  /** When the next thing that can happen happens: a simulated DRS change, an event's delivery, a timeout. */
  const nextHappening = () =>
    Math.min(
      issued.nextDeadline()?.getTime() ?? Number.POSITIVE_INFINITY,
      executionDeadline,
      drs.nextEventAtMs?.() ?? Number.POSITIVE_INFINITY,
      wait.routing?.nextDueAtMs() ?? Number.POSITIVE_INFINITY,
    );
  for (;;) {
    // Events due by now reach their functions first: one of them may be this callback.
    await wait.routing?.deliverDue(drs.now().getTime());
    if (settled !== undefined) return settled;
    const frozenAtSpeedZero = drs.speed <= 0 && speed <= 0;
    if (frozenAtSpeedZero && wait.cutShort) {
      // A wait at a frozen clock: straight to the next thing that can happen (a simulated event
      // or its delivery, the timeout), as a Wait state jumps to its end, with no real pause.
      const now = drs.now().getTime();
      const next = nextHappening();
      if (Number.isFinite(next) && next > now) drs.advanceBy((next - now) / 1000);
      else if (!Number.isFinite(next)) await Promise.race([issued.result, sleep(CALLBACK_TICK_MS)]);
      // Let the resumed handler's response land before the next look.
      await new Promise((done) => setImmediate(done));
    } else {
      const outcome = await Promise.race([issued.result, sleep(CALLBACK_TICK_MS).then(() => undefined)]);
      if (outcome !== undefined) return outcome;
      if (drs.speed <= 0 && speed > 0) {
        // Up to where the pace has reached (catching up on the real time the handlers took while the
        // clock stood still), but never past what happens next: DRS's next change, an event's
        // delivery, a timeout. Each comes at its own time, and the next look handles it.
        const now = drs.now().getTime();
        const stopAt = nextHappening();
        const target = Math.min(wait.pace.dueMs(), stopAt);
        if (target > now) drs.advanceBy((target - now) / 1000);
        // Something due now that nothing has applied yet (a change DRS scheduled): apply it.
        else if (stopAt <= now) drs.advanceBy(0);
      }
    }
    tokens.expireDue();
    if (drs.now().getTime() >= executionDeadline) {
      reachedDeadline();
      issued.cancel();
    }
  }
}

/** Each invocation first costs the modelled latency on a frozen clock. */
function withInvokeLatency(lambda: LambdaInvoker, drs: LocalDrs, ms: number): LambdaInvoker {
  if (ms <= 0) return lambda;
  return {
    invocations: lambda.invocations,
    invoke: (stateName, functionKey, functionArn, event) => {
      if (drs.speed <= 0) drs.advanceBy(ms / 1000);
      return lambda.invoke(stateName, functionKey, functionArn, event);
    },
  };
}

const NO_EVENTS: EventRoutingCounts = { sent: 0, matched: 0, dropped: 0, duplicated: 0, delivered: 0, failed: 0 };

/** Where the workflow's progress events of a run go locally (EventBridge on AWS). */
export function eventsFilePath(reportsDir: string, executionName: string): string {
  return join(reportsDir, `${executionName}.events.jsonl`);
}

/** The execution's Error and Cause, as Step Functions reports a failed execution. */
function failureOf(thrown: unknown): { error: string; cause?: string } {
  const failure = thrown instanceof ExecutionError && thrown.cause instanceof Error ? thrown.cause : thrown;
  if (failure instanceof Error) return { error: failure.name, cause: failure.message };
  return { error: 'Error', cause: String(failure) };
}

export interface HandlerSettings {
  drs: LocalDrs;
  sts: LocalStsEndpoint;
  /** The workflows'; none for a handler that calls none (the dry run). */
  stepFunctions?: LocalStepFunctionsEndpoint;
  /** The plan lock's; none for a handler that takes no lock (the sweep). */
  dynamodb?: LocalDynamoDbEndpoint;
  /** The approval gates' and action steps' services; none for a handler that calls none (the sweep). */
  actions?: ActionServicesEndpoints;
  /** Where DRS deployed the drill's networks; none for a handler that removes none (the sweep). */
  cloudFormation?: LocalCloudFormationEndpoint;
  /** ACCOUNTS as JSON; undefined: a single-account run. */
  accounts: string | undefined;
  plansDir: string;
  reportsDir: string;
  eventsFile: string;
  verbose: boolean;
}

/**
 * The handlers' environment: this process's, plus the configuration they read at load, pointing
 * them at this run's local DRS, STS and Step Functions services, accounts, plans and report folder.
 */
export function handlerEnvironment({ drs, sts, stepFunctions, dynamodb, cloudFormation, actions, accounts, plansDir, reportsDir, eventsFile, verbose }: HandlerSettings): Record<string, string> {
  const credentials = handlerCredentialsOf(drs);
  const settings: Record<string, string | undefined> = {
    AWS_REGION: drs.region,
    DRS_ENDPOINT: drs.endpoint,
    // AssumeRole into the other target accounts goes to the local STS service, whose sessions the
    // local DRS service accepts (one identity store).
    STS_ENDPOINT: sts.endpoint,
    // The trigger's Step Functions calls go to the local service that holds this run's executions.
    SFN_ENDPOINT: stepFunctions?.endpoint,
    // The plan lock table, in the local DynamoDB service.
    DYNAMODB_ENDPOINT: dynamodb?.endpoint,
    LOCK_TABLE: dynamodb === undefined ? undefined : LOCAL_LOCK_TABLE,
    // A drill's network stacks are removed through the local CloudFormation service, where DRS deployed them.
    CLOUDFORMATION_ENDPOINT: cloudFormation?.endpoint,
    // Action steps invoke functions and run automations there; the approval gate tells the operators' topic.
    LAMBDA_ENDPOINT: actions?.lambda.endpoint,
    SSM_ENDPOINT: actions?.ssm.endpoint,
    SNS_ENDPOINT: actions?.sns.endpoint,
    OPERATOR_TOPIC_ARN: actions?.operatorTopicArn,
    // The stage configuration's accounts; unset for a single-account run (also when the shell has one).
    ACCOUNTS: accounts,
    PLANS_DIR: plansDir,
    REPORTS_DIR: reportsDir,
    EVENTS_FILE: eventsFile,
    // Set in a shell for AWS, these would send a local run's reports and events there.
    REPORTS_BUCKET: undefined,
    EVENT_BUS_NAME: undefined,
    // The function role's session in the scenario's account, as Lambda hands it over: the local
    // DRS service places requests by their signing key. Real ones from the shell must never reach
    // it (nor the SDK go looking for a profile or instance role).
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: 'drs-orchestrator',
    // INFO either way: into the run's log file, or onto the terminal with --verbose.
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_DEV: verbose ? 'true' : undefined,
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...settings })) {
    if (value !== undefined) environment[name] = value;
  }
  return environment;
}
