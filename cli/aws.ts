// `npm run aws -- start|failback|follow|sweep|approve|reject`: start a run of the deployed workflows
// on AWS and follow it wave by wave (StartExecution, then DescribeExecution and GetExecutionHistory),
// run the deployed orphan sweeper now, or decide an approval gate, with your AWS profile.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeExecutionCommand,
  paginateGetExecutionHistory,
  paginateListExecutions,
  paginateListStateMachines,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type ExecutionStatus,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { readFile } from 'node:fs/promises';
import { decideApproval } from '#shared/approval/decide.ts';
import { dynamoDbApprovalTokens, type ApprovalTokens } from '#shared/lock/approval-tokens.ts';
import { Command, InvalidArgumentError, Option } from 'commander';
import * as z from 'zod/mini';
import { historyLine } from '#shared/narrator/history.ts';
import { renderPlanView, type PlanInspected } from '#shared/narrator/plan-view.ts';
import { seen, taskExit } from '#shared/narrator/task-exit.ts';
import { MODES } from '#shared/plan/common.ts';
import type { ExecutionInput } from '#shared/plan/input.ts';
import { parseExecutionInput } from '#shared/recovery/run.ts';
import { InvalidInputError } from '#shared/errors.ts';
import { SweepAnswer, sweepSummary } from '#shared/sweep/summary.ts';

const SERVICE = 'drs-orchestrator';
const POLL_MS = 10_000;

/** `payments-drill-cli-20260301T020000-a1b2`: readable, unique, within the 80-character limit. */
export function cliExecutionName(plan: string, mode: string, at: Date, suffix = randomBytes(2).toString('hex')): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${plan}-${mode}-cli-${stamp}-${suffix}`.slice(0, 80);
}

/** The Region an execution or state machine ARN is in. */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:states:([^:]+):/.exec(arn)?.[1];
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * One line of progress for a history event, in the users' words, or undefined for the events
 * that say nothing new (waits, choices, task scheduling).
 */
export function describeHistoryEvent(event: HistoryEvent): string | undefined {
  switch (event.type) {
    case 'ExecutionStarted': {
      const input = seen<ExecutionInput>(parseJson(event.executionStartedEventDetails?.input));
      return `run started: ${input.mode ?? '?'} of plan ${input.plan ?? '?'}${input.reason ? ` (${input.reason})` : ''}`;
    }
    case 'TaskStateExited': {
      const exit = taskExit(event.stateExitedEventDetails?.name ?? '', parseJson(event.stateExitedEventDetails?.output));
      return exit && historyLine(exit);
    }
    case 'TaskFailed':
    case 'LambdaFunctionFailed': {
      const details = event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails;
      return `task failed: ${details?.error}: ${details?.cause?.slice(0, 500)}`;
    }
    case 'ExecutionSucceeded':
      return 'run SUCCEEDED';
    case 'ExecutionFailed':
      return `run FAILED: ${event.executionFailedEventDetails?.error}: ${event.executionFailedEventDetails?.cause}`;
    case 'ExecutionTimedOut':
      return 'run TIMED OUT';
    case 'ExecutionAborted':
      return 'run ABORTED';
    default:
      return undefined;
  }
}

interface AwsOptions {
  profile?: string;
  region?: string;
}

function client(options: AwsOptions): SFNClient {
  return new SFNClient({ profile: options.profile, region: options.region });
}

/** The recovery (or failback) state machine of a stage, by the name serverless.yml gives it. */
async function stateMachineOfStage(sfn: SFNClient, stage: string, workflow: 'recovery' | 'failback' = 'recovery'): Promise<string> {
  const name = workflow === 'recovery' ? `${SERVICE}-${stage}-recovery` : `${SERVICE}-${stage}-recovery-failback`;
  for await (const page of paginateListStateMachines({ client: sfn }, {})) {
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
  }
  throw new Error(`no state machine named ${name} in this account and Region: is stage ${stage} deployed here (osls deploy --stage ${stage})?`);
}

/** Events after `afterId`, oldest first: newest pages are read until an event already seen. */
async function newEvents(sfn: SFNClient, executionArn: string, afterId: number): Promise<HistoryEvent[]> {
  const collected: HistoryEvent[] = [];
  // Returning from inside the loop stops the paginator: no page past the seen event is asked for.
  for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 100 }, { executionArn, reverseOrder: true })) {
    for (const event of page.events ?? []) {
      if ((event.id ?? 0) <= afterId) return collected.reverse();
      collected.push(event);
    }
  }
  return collected.reverse();
}

/** Prints the run's progress until it ends; returns its final status. */
export async function follow(sfn: SFNClient, executionArn: string, print: (line: string) => void = console.log, pollMs = POLL_MS): Promise<string> {
  let lastId = 0;
  let lastLine: string | undefined;
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    for (const event of await newEvents(sfn, executionArn, lastId)) {
      lastId = Math.max(lastId, event.id ?? 0);
      const line = describeHistoryEvent(event);
      // Poll rounds repeat themselves until something changes: print changes only.
      if (line !== undefined && line !== lastLine) print(`${event.timestamp?.toISOString() ?? ''}  ${line}`);
      if (line !== undefined) lastLine = line;
    }
    if (described.status !== 'RUNNING') return described.status ?? 'UNKNOWN';
    await sleep(pollMs);
  }
}

export interface FailbackOptions {
  plan: string;
  recoveryExecution?: string;
  check?: boolean;
  terminateRecoveryInstances?: boolean;
  confirmTermination?: string;
  reason?: string;
}

/** The failback state machine's input from the command's options, checked before anything starts. */
export function failbackInput(options: FailbackOptions): ExecutionInput {
  const input = parseExecutionInput({
    plan: options.plan,
    mode: 'failback',
    recoveryExecution: options.recoveryExecution,
    check: options.check,
    terminateRecoveryInstances: options.terminateRecoveryInstances,
    confirmTermination: options.confirmTermination,
    reason: options.reason,
    trigger: { source: 'cli', id: process.env.USER },
  });
  // The workflow refuses it too, but only after an execution was started: say it here.
  if (input.terminateRecoveryInstances === true && input.confirmTermination !== input.plan) {
    throw new InvalidArgumentError(`--terminate-recovery-instances terminates the recovery instances once failed back: confirm it with --confirm-termination ${input.plan}`);
  }
  return input;
}

interface StartOptions extends AwsOptions {
  stateMachineArn?: string;
  stage: string;
  follow: boolean;
  /** The outcome as JSON alone on stdout; the progress on stderr. */
  json?: boolean;
}

/** StartExecution of the stage's recovery or failback state machine, then follow it unless told not to. */
async function startAndFollow(input: ExecutionInput, workflow: 'recovery' | 'failback', label: string, options: StartOptions): Promise<void> {
  const sfn = client({ profile: options.profile, region: options.region ?? (options.stateMachineArn && regionOfArn(options.stateMachineArn)) });
  const stateMachineArn = options.stateMachineArn ?? (await stateMachineOfStage(sfn, options.stage, workflow));
  const name = cliExecutionName(input.plan, label, new Date());
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  const say = options.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  say(`started ${name}\n  ${executionArn}`);
  const status = options.follow && executionArn ? await follow(sfn, executionArn, say) : 'RUNNING';
  if (options.json) console.log(JSON.stringify({ execution: name, executionArn, status }, null, 2));
  if (options.follow) process.exitCode = status === 'SUCCEEDED' ? 0 : 1;
}

/** The `npm run aws` program (exported for its help's test). */
export const program = new Command('aws')
  .description('Start and follow recovery and failback runs of the deployed orchestrator on AWS')
  // Help names the command a user types (package.json's `aws` script), not this file's program name.
  .configureHelp({
    commandUsage: (command) => {
      const names: string[] = [];
      for (let at: typeof command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
      return ['npm run aws --', ...names, command.usage()].join(' ');
    },
  });

const withAws = (command: Command) =>
  command.option('--profile <profile>', 'AWS profile (default: the usual credential chain)').option('--region <region>', 'AWS Region');

withAws(
  program
    .command('start')
    .description('start a drill or a recovery of a plan (StartExecution), then follow it')
    .requiredOption('--plan <name>', 'plan name')
    .addOption(new Option('--mode <mode>', 'drill or recovery').choices(MODES).makeOptionMandatory())
    .option('--waves <names>', 'only these waves, comma-separated', (value) => value.split(',').map((name) => name.trim()))
    .option('--snapshot-time <iso>', 'recover from the newest snapshot at or before this time')
    .option('--hold-minutes <minutes>', 'drill: keep instances up this long before clean-up', (value) => {
      const minutes = Number(value);
      if (!Number.isFinite(minutes)) throw new InvalidArgumentError('a number of minutes');
      return minutes;
    })
    .option('--reason <text>', 'why (shown in the report)')
    .option('--state-machine-arn <arn>', 'the recovery state machine')
    .option('--stage <stage>', 'find the state machine of this stage instead', 'dev')
    .option('--no-follow', 'print the execution ARN and return')
    .option('--json', 'print the run (execution, ARN, final status) as JSON on stdout; the progress on stderr'),
).action(async (options) => {
  const input = parseExecutionInput({
    plan: options.plan,
    mode: options.mode,
    waves: options.waves,
    snapshotTime: options.snapshotTime,
    holdMinutes: options.holdMinutes,
    reason: options.reason,
    trigger: { source: 'cli', id: process.env.USER },
  });
  await startAndFollow(input, 'recovery', input.mode, options);
});

withAws(
  program
    .command('failback')
    .description('fail back a recovery (the failback state machine), wave by wave in reverse order, then follow it')
    .requiredOption('--plan <name>', 'plan name')
    .option('--recovery-execution <name>', "the recovery execution to fail back (default: the plan's latest recovery)")
    .option('--check', 'only report which recovery instances are ready to fail back; change nothing')
    .option('--terminate-recovery-instances', 'terminate each wave\'s recovery instances once it failed back and is re-protected')
    .option('--confirm-termination <plan>', 'the plan name again, confirming --terminate-recovery-instances')
    .option('--reason <text>', 'why (shown in the report)')
    .option('--state-machine-arn <arn>', 'the failback state machine')
    .option('--stage <stage>', 'find the state machine of this stage instead', 'dev')
    .option('--no-follow', 'print the execution ARN and return')
    .option('--json', 'print the run (execution, ARN, final status) as JSON on stdout; the progress on stderr'),
).action(async (options) => {
  const input = failbackInput(options);
  await startAndFollow(input, 'failback', input.check ? 'failback-check' : 'failback', options);
});

withAws(
  program
    .command('follow')
    .description('follow a run until it ends')
    .argument('<executionArn>')
    .option('--json', 'print its final status as JSON on stdout; the progress on stderr'),
).action(async (executionArn: string, options) => {
  const sfn = client({ profile: options.profile, region: options.region ?? regionOfArn(executionArn) });
  const status = await follow(sfn, executionArn, options.json ? (line) => console.error(line) : console.log);
  if (options.json) console.log(JSON.stringify({ executionArn, status }, null, 2));
  process.exitCode = status === 'SUCCEEDED' ? 0 : 1;
});

/** What Lambda answers for a function that threw: its error's name and message. */
const FunctionFailure = z.object({ errorType: z.optional(z.string()), errorMessage: z.optional(z.string()) });

/**
 * Invokes a deployed function and returns its answer as `schema` reads it; undefined (once it
 * printed why) when the function failed or answered something else.
 */
async function invokeDeployed<Answer>(
  lambda: LambdaClient,
  functionName: string,
  payload: unknown,
  schema: z.ZodMiniType<Answer>,
  what: string,
  print: (line: string) => void,
): Promise<Answer | undefined> {
  const response = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
  const answer: unknown = JSON.parse(new TextDecoder().decode(response.Payload ?? new Uint8Array()) || 'null');
  if (response.FunctionError !== undefined) {
    const failure = z.safeParse(FunctionFailure, answer);
    print(`${functionName} failed: ${failure.success ? `${failure.data.errorType ?? 'Error'}: ${failure.data.errorMessage ?? ''}` : JSON.stringify(answer)}`);
    return undefined;
  }
  const parsed = z.safeParse(schema, answer);
  if (!parsed.success) {
    print(`${functionName} answered something that is not ${what}: ${JSON.stringify(answer).slice(0, 500)}`);
    return undefined;
  }
  return parsed.data;
}

/**
 * Invokes the deployed sweep function and prints its answer; the exit code is 1 when it failed or
 * left orphans it should have terminated. The deployed function, not this process, because only
 * its role reaches the stage's other accounts (their roles trust the stage's function roles), and
 * it sweeps with the stage's deployed settings, publishing its event and metric as the schedule does.
 */
export async function sweepOnAws(lambda: LambdaClient, functionName: string, dryRun: boolean, print: (line: string) => void = console.log): Promise<number> {
  const parsed = await invokeDeployed(lambda, functionName, { dryRun }, SweepAnswer, "a sweep's result", print);
  if (parsed === undefined) return 1;
  for (const line of sweepSummary(parsed)) print(line);
  return parsed.failed > 0 ? 1 : 0;
}

withAws(
  program
    .command('sweep')
    .description("run the deployed orphan sweeper now: terminate drill instances no run will terminate, list other old ones (the stage's sweep settings)")
    .option('--stage <stage>', 'the stage whose sweep function to invoke', 'dev')
    .option('--function-name <name>', `the sweep function (default: ${SERVICE}-<stage>-sweep)`)
    .option('--dry-run', 'terminate nothing; print what would be terminated'),
).action(async (options) => {
  const lambda = new LambdaClient({ profile: options.profile, region: options.region });
  process.exitCode = await sweepOnAws(lambda, options.functionName ?? `${SERVICE}-${options.stage}-sweep`, options.dryRun === true);
});

/** What the deployed InspectPlan function answers: only what the tree reads is checked. */
const PlanInspectedAnswer = z.looseObject({
  plan: z.string(),
  mode: z.string(),
  inspectedAt: z.string(),
  targets: z.object({ rtoMinutes: z.number(), rpoMinutes: z.number() }),
  waves: z.array(z.looseObject({ name: z.string(), servers: z.array(z.looseObject({ id: z.string(), replication: z.string() })) })),
  problems: z.array(z.string()),
  warnings: z.array(z.string()),
});

/**
 * `plan`: the dry run on AWS. Invokes the stage's InspectPlan function with the execution input a
 * run would get; prints the waves → servers tree (or its JSON). Exit 0 when preflight would let the
 * run start, 1 when it would refuse it or the function failed.
 */
export async function planOnAws(lambda: LambdaClient, functionName: string, input: ExecutionInput, json: boolean, print: (line: string) => void = console.log): Promise<number> {
  const parsed = await invokeDeployed(lambda, functionName, { input }, PlanInspectedAnswer, "a dry run's result", print);
  if (parsed === undefined) return 1;
  const view = parsed as unknown as PlanInspected;
  if (json) print(JSON.stringify(view, null, 2));
  else for (const line of renderPlanView(view, PLAIN)) print(line);
  return view.problems.length === 0 ? 0 : 1;
}

/** No colours: the AWS CLI's output goes to terminals and files alike. */
const PLAIN = { green: (text: string) => text, red: (text: string) => text, yellow: (text: string) => text, bold: (text: string) => text, dim: (text: string) => text };

withAws(
  program
    .command('plan')
    .description('the dry run: resolve every wave of a deployed plan against DRS as preflight would, and print its waves and servers, launching nothing (exit 1: preflight would refuse the run)')
    .requiredOption('--plan <name>', 'the deployed plan')
    .requiredOption('--mode <mode>', 'drill or recovery')
    .option('--waves <names>', 'only these waves (comma-separated)', (value: string) => value.split(',').map((name) => name.trim()).filter((name) => name !== ''))
    .option('--snapshot-time <iso>', 'as a run with a point-in-time snapshot would recover')
    .option('--stage <stage>', 'the stage whose function to invoke', 'dev')
    .option('--function-name <name>', `the dry-run function (default: ${SERVICE}-<stage>-inspectPlan)`)
    .option('--json', 'print what it found as JSON'),
).action(async (options) => {
  // The input a run would get, checked here first: a wrong one never reaches AWS.
  const input = parseExecutionInput({
    plan: options.plan,
    mode: options.mode,
    ...(options.waves === undefined ? {} : { waves: options.waves }),
    ...(options.snapshotTime === undefined ? {} : { snapshotTime: options.snapshotTime }),
    trigger: { source: 'cli' },
  });
  const lambda = new LambdaClient({ profile: options.profile, region: options.region });
  process.exitCode = await planOnAws(lambda, options.functionName ?? `${SERVICE}-${options.stage}-inspectPlan`, input, options.json === true);
});

/**
 * Where a local run's services listen (the local runner writes it while a run is in progress):
 * `--local` sends the decision there instead of to AWS, with the credentials the run's world knows.
 */
export const LocalServices = z.object({
  region: z.string(),
  lockTable: z.string(),
  endpoints: z.object({ dynamodb: z.string(), stepFunctions: z.string(), sts: z.string() }),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.optional(z.string()) }),
  /** The local workflows' ARNs (run control: list, status, stop). */
  stateMachines: z.optional(z.object({ recovery: z.string(), failback: z.string() })),
});
export type LocalServices = z.infer<typeof LocalServices>;
export const LOCAL_SERVICES_FILE = 'reports/.local-services.json';

interface DecisionOptions extends AwsOptions {
  execution: string;
  comment?: string;
  stage: string;
  local?: boolean | string;
}

/** The clients a decision needs: AWS (profile, Region, the stage's table), or a local run's services. */
async function decisionServices(options: DecisionOptions): Promise<{ tokens: ApprovalTokens; sfn: SFNClient; sts: STSClient }> {
  if (options.local !== undefined && options.local !== false) {
    const local = await readLocalServices(options.local);
    const config = { region: local.region, credentials: local.credentials };
    return {
      tokens: dynamoDbApprovalTokens(new DynamoDBClient({ ...config, endpoint: local.endpoints.dynamodb }), local.lockTable),
      sfn: new SFNClient({ ...config, endpoint: local.endpoints.stepFunctions }),
      sts: new STSClient({ ...config, endpoint: local.endpoints.sts }),
    };
  }
  const config = { profile: options.profile, region: options.region };
  return {
    tokens: dynamoDbApprovalTokens(new DynamoDBClient(config), `${SERVICE}-${options.stage}-locks`),
    sfn: new SFNClient(config),
    sts: new STSClient(config),
  };
}

// ---- run control: list, status, stop -------------------------------------------------------------

/** The workflows whose runs the commands control: a stage's recovery and failback state machines. */
export interface Workflows {
  recovery: string;
  failback: string;
}

/** One run as `list` shows it. */
export interface RunListed {
  execution: string;
  workflow: 'recovery' | 'failback';
  status: string;
  startDate?: string;
  stopDate?: string;
  executionArn: string;
}

/** The runs of the stage's workflows, newest first: at most `limit`, of `plan` when given (execution names begin with it). */
export async function listRuns(sfn: SFNClient, workflows: Workflows, options: { plan?: string; status?: string; limit?: number } = {}): Promise<RunListed[]> {
  const limit = options.limit ?? 20;
  const runs: RunListed[] = [];
  for (const workflow of ['recovery', 'failback'] as const) {
    let kept = 0;
    for await (const page of paginateListExecutions({ client: sfn }, { stateMachineArn: workflows[workflow], ...(options.status === undefined ? {} : { statusFilter: options.status as ExecutionStatus }) })) {
      for (const execution of page.executions ?? []) {
        if (options.plan !== undefined && !execution.name?.startsWith(`${options.plan}-`)) continue;
        runs.push({
          execution: execution.name ?? '?',
          workflow,
          status: execution.status ?? '?',
          startDate: execution.startDate?.toISOString(),
          stopDate: execution.stopDate?.toISOString(),
          executionArn: execution.executionArn ?? '?',
        });
        kept += 1;
      }
      // Newest first per page: enough of this workflow's runs to fill the list.
      if (kept >= limit) break;
    }
  }
  return runs.sort((a, b) => (b.startDate ?? '').localeCompare(a.startDate ?? '')).slice(0, limit);
}

/** An execution's ARN from its name (or ARN): in the recovery workflow, else the failback one. */
async function executionOf(sfn: SFNClient, workflows: Workflows, execution: string) {
  const candidates = execution.startsWith('arn:') ? [execution] : [workflows.recovery, workflows.failback].map((machine) => `${machine.replace(':stateMachine:', ':execution:')}:${execution}`);
  for (const executionArn of candidates) {
    try {
      return await sfn.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
    }
  }
  throw new InvalidArgumentError(`no run named ${execution} in this stage's recovery or failback workflow (npm run aws -- list shows them)`);
}

/** A run's state: its status, plan, mode, waves, times, and why it failed. */
export async function runStatus(sfn: SFNClient, workflows: Workflows, execution: string) {
  const described = await executionOf(sfn, workflows, execution);
  let input: Record<string, unknown> = {};
  try {
    input = JSON.parse(described.input ?? '{}') as Record<string, unknown>;
  } catch {
    input = {};
  }
  return {
    execution: described.name ?? execution,
    executionArn: described.executionArn ?? '?',
    status: described.status ?? '?',
    plan: typeof input.plan === 'string' ? input.plan : undefined,
    mode: typeof input.mode === 'string' ? input.mode : undefined,
    waves: Array.isArray(input.waves) ? input.waves : undefined,
    startDate: described.startDate?.toISOString(),
    stopDate: described.stopDate?.toISOString(),
    ...(described.error === undefined ? {} : { error: described.error }),
    ...(described.cause === undefined ? {} : { cause: described.cause }),
  };
}

/**
 * Stops a run. A stopped drill is cleaned up by the stopped-run workflow (it terminates the drill's
 * instances, writes the report ABORTED and gives the plan back): nothing is left behind.
 */
export async function stopRun(sfn: SFNClient, workflows: Workflows, execution: string, reason: string): Promise<{ execution: string; stopDate?: string }> {
  const described = await executionOf(sfn, workflows, execution);
  if (described.status !== 'RUNNING') throw new InvalidArgumentError(`${described.name} is not running (${described.status}): nothing to stop`);
  const stopped = await sfn.send(new StopExecutionCommand({ executionArn: described.executionArn, error: 'StoppedByOperator', cause: reason }));
  return { execution: described.name ?? execution, stopDate: stopped.stopDate?.toISOString() };
}

interface ControlOptions extends AwsOptions {
  stage: string;
  local?: boolean | string;
  json?: boolean;
}

/** The Step Functions client and workflows the run-control commands use: the stage's on AWS, or a local run's. */
async function controlServices(options: ControlOptions): Promise<{ sfn: SFNClient; workflows: Workflows }> {
  if (options.local !== undefined && options.local !== false) {
    const local = await readLocalServices(options.local);
    if (local.stateMachines === undefined) throw new InvalidArgumentError('the local services file names no workflows: it was written by an older version; start the run again');
    return { sfn: new SFNClient({ region: local.region, credentials: local.credentials, endpoint: local.endpoints.stepFunctions }), workflows: local.stateMachines };
  }
  const sfn = client(options);
  const [recovery, failback] = await Promise.all([stateMachineOfStage(sfn, options.stage, 'recovery'), stateMachineOfStage(sfn, options.stage, 'failback')]);
  return { sfn, workflows: { recovery, failback } };
}

/** A local run's services file (`--local [file]`). */
async function readLocalServices(local: true | string): Promise<LocalServices> {
  const file = typeof local === 'string' ? local : LOCAL_SERVICES_FILE;
  const text = await readFile(file, 'utf8').catch(() => {
    throw new InvalidArgumentError(`${file} not found: --local is for a run of \`npm run local\` in progress, which writes it (is one running in this folder?)`);
  });
  return LocalServices.parse(JSON.parse(text));
}

const withControl = (command: Command) =>
  withAws(command)
    .option('--stage <stage>', 'the stage whose workflows', 'dev')
    .option('--local [file]', `a local run in progress instead (its services file, default ${LOCAL_SERVICES_FILE})`)
    .option('--json', 'print the result as JSON');

withControl(
  program
    .command('list')
    .description("the stage's runs (recoveries, drills, failbacks), newest first")
    .option('--plan <name>', 'only this plan')
    .option('--status <status>', 'only runs in this status (RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT)')
    .option('--limit <n>', 'at most this many (default 20)', (value: string) => Number(value)),
).action(async (options: ControlOptions & { plan?: string; status?: string; limit?: number }) => {
  const { sfn, workflows } = await controlServices(options);
  const runs = await listRuns(sfn, workflows, options);
  if (options.json) return console.log(JSON.stringify(runs, null, 2));
  if (runs.length === 0) return console.log(`no runs${options.plan ? ` of plan ${options.plan}` : ''}`);
  for (const run of runs) console.log(`${run.status.padEnd(9)} ${(run.startDate ?? '').replace(/\.\d+Z$/, 'Z')}  ${run.execution}${run.workflow === 'failback' ? ' (failback)' : ''}`);
});

withControl(program.command('status').description('where a run is: its status, plan, mode, times and why it failed').argument('<execution>', 'its name (or ARN)')).action(
  async (execution: string, options: ControlOptions) => {
    const { sfn, workflows } = await controlServices(options);
    const status = await runStatus(sfn, workflows, execution);
    if (options.json) return console.log(JSON.stringify(status, null, 2));
    console.log(`${status.execution}: ${status.status}${status.plan ? ` · plan ${status.plan}` : ''}${status.mode ? ` · ${status.mode}` : ''}${status.waves ? ` · waves ${status.waves.join(', ')}` : ''}`);
    console.log(`  started ${status.startDate ?? '?'}${status.stopDate ? ` · ended ${status.stopDate}` : ''}`);
    if (status.error) console.log(`  ${status.error}${status.cause ? `: ${status.cause}` : ''}`);
    if (status.status === 'RUNNING' && !options.local) console.log(`  follow it: npm run aws -- follow ${status.executionArn}`);
  },
);

withControl(
  program
    .command('stop')
    .description("stop a run; a stopped drill is cleaned up by the stopped-run workflow (its instances terminated, its report written ABORTED)")
    .argument('<execution>', 'its name (or ARN)')
    .requiredOption('--reason <text>', 'why (recorded as the stop cause, shown in the report)'),
).action(async (execution: string, options: ControlOptions & { reason: string }) => {
  const { sfn, workflows } = await controlServices(options);
  const stopped = await stopRun(sfn, workflows, execution, options.reason);
  if (options.json) return console.log(JSON.stringify(stopped, null, 2));
  console.log(`stopped ${stopped.execution} at ${stopped.stopDate ?? '?'}: a drill is cleaned up by the stopped-run workflow, which writes its report (ABORTED) and gives the plan back`);
});

/** Approves or rejects the gate an execution waits at; prints what was decided. */
export async function decide(options: DecisionOptions, approve: boolean, print: (line: string) => void = console.log): Promise<void> {
  const { pending, decision } = await decideApproval({ execution: options.execution, approve, comment: options.comment }, await decisionServices(options));
  print(`${approve ? 'approved' : 'rejected'} wave "${pending.wave}" of ${pending.mode} ${pending.execution} (plan ${pending.plan}) as ${decision.approver}${decision.comment ? `: "${decision.comment}"` : ''}`);
}

for (const [name, approve] of [['approve', true], ['reject', false]] as const) {
  withAws(
    program
      .command(name)
      .description(approve ? 'approve the wave a run waits at (its approval gate): the run goes on' : 'reject the wave a run waits at: nothing of it is started, a drill cleans up, the run ends REJECTED')
      .requiredOption('--execution <name>', 'the execution name (in the approval request)')
      .option('--comment <text>', 'why (shown in the report)')
      .option('--stage <stage>', 'the stage whose lock table holds the request', 'dev')
      .option('--local [file]', `decide for a local run in progress (its services file, default ${LOCAL_SERVICES_FILE})`),
  ).action(async (options: DecisionOptions) => decide(options, approve));
}

/**
 * What to do about the SDK's errors of a missing setup, which say what is missing but not how to
 * give it; undefined for any other error.
 */
export function setupHint(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.message === 'Region is missing') {
    return 'no AWS Region: give --region (e.g. --region eu-west-1), or set AWS_REGION, or use a --profile that has a region';
  }
  if (error.name === 'CredentialsProviderError') {
    return 'no AWS credentials: give --profile <name> (aws configure / aws sso login), or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (error.name === 'ExpiredTokenException' || error.name === 'ExpiredToken') return `the AWS session expired (${error.message}): sign in again (e.g. aws sso login) and retry`;
  return undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  program.parseAsync().catch((error: unknown) => {
    console.error(setupHint(error) ?? (error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
    // As the local runner: 2 when what the user gave is wrong (nothing was started), 1 otherwise.
    process.exitCode = error instanceof InvalidInputError || error instanceof InvalidArgumentError ? 2 : 1;
  });
}
