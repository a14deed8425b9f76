// The Step Functions operations the orchestrator and its operators use on executions:
// DescribeExecution, ListExecutions, StopExecution; and the callbacks of their callback Tasks:
// SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat. Each takes the request's JSON members and the
// authenticated caller's account and Region, and returns the members of its answer. Constraints
// and members are those of the Step Functions model (botocore stepfunctions/2016-11-23).
//
// Whose execution: Step Functions keeps an account's executions per Region, and has no
// resource-based policies. An execution of another account (or Region) is answered as one that
// does not exist (ExecutionDoesNotExist, StateMachineDoesNotExist), the operations' modelled
// errors. On AWS, IAM would refuse a caller of another account first with the common
// AccessDeniedException (no resource policy can grant it); the local identity world models no
// permission policies, so the stand-in answers what the service itself knows: in the caller's
// account and Region there is no such execution. Either way the caller learns nothing of it.
import { jsonMembers } from '#local/http/json-body.ts';
import { parseExecutionArn, parseStateMachineArn } from './arn.ts';
import {
  executionDoesNotExist,
  invalidToken,
  resourceNotFound,
  serializationException,
  stateMachineDoesNotExist,
  validationErrors,
  validationException,
} from './errors.ts';
import type { ExecutionRecord, ExecutionStatus, LocalExecutions } from './executions.ts';

export type JsonObject = { [member: string]: unknown };

/** Who asked: the account of the request's credentials, the Region of its signature's scope. */
export interface Caller {
  account: string;
  region: string;
}

export type OperationHandler = (executions: LocalExecutions, request: JsonObject, caller: Caller) => JsonObject;

const ARN_MAX = 256;
const ERROR_MAX = 256;
const CAUSE_MAX = 32_768;
const TOKEN_MAX = 3096;
/** The model's TaskToken (1-2048) and SensitiveData (a task's output: 256 KiB). */
const TASK_TOKEN_MAX = 2048;
const OUTPUT_MAX = 262_144;
const PAGE_MAX = 1000;
/** ListExecutions' page size when maxResults is absent or 0 (the model's documentation). */
const PAGE_DEFAULT = 100;
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
const INCLUDED_DATA = ['ALL_DATA', 'METADATA_ONLY'] as const;

/** A member of the wrong JSON type is a SerializationException. */
const { string: stringMember, integer: integerMember } = jsonMembers(serializationException);

/** The start of coral's constraint texts. A sensitive member's value is not repeated in the message. */
function at(member: string, value: string | number | undefined, sensitive = false): string {
  const shown = value === undefined ? 'null ' : sensitive ? '' : `'${value}' `;
  return `Value ${shown}at '${member}' failed to satisfy constraint: Member must`;
}

function lengthViolations(member: string, value: string | undefined, limits: { min: number; max: number; required?: boolean; sensitive?: boolean }): string[] {
  if (value === undefined) return limits.required ? [`${at(member, undefined)} not be null`] : [];
  const length = [...value].length;
  if (length < limits.min) return [`${at(member, value, limits.sensitive)} have length greater than or equal to ${limits.min}`];
  if (length > limits.max) return [`${at(member, value, limits.sensitive)} have length less than or equal to ${limits.max}`];
  return [];
}

function enumViolations<T extends string>(member: string, value: string | undefined, allowed: readonly T[]): string[] {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return [];
  return [`${at(member, value)} satisfy enum value set: [${allowed.join(', ')}]`];
}

function throwIfAny(violations: string[]): void {
  if (violations.length > 0) throw validationErrors(violations);
}

/** Dates go over the wire as epoch seconds (JSON numbers, milliseconds as the fraction), as awsJson has them. */
const epochSeconds = (date: Date) => date.getTime() / 1000;

/** The execution named by an ARN in the caller's account and Region, or ExecutionDoesNotExist. */
function executionOf(executions: LocalExecutions, executionArn: string, caller: Caller): ExecutionRecord {
  const ref = parseExecutionArn(executionArn);
  const found = ref.account === caller.account && ref.region === caller.region ? executions.get(executionArn) : undefined;
  if (found === undefined) throw executionDoesNotExist(executionArn);
  return found;
}

/** DescribeExecution: the execution's state, input, and — once it ended — its stop date and outcome. */
export const describeExecution: OperationHandler = (executions, request, caller) => {
  const executionArn = stringMember(request, 'executionArn');
  const includedData = stringMember(request, 'includedData');
  throwIfAny([...lengthViolations('executionArn', executionArn, { min: 1, max: ARN_MAX, required: true }), ...enumViolations('includedData', includedData, INCLUDED_DATA)]);
  const execution = executionOf(executions, executionArn!, caller);
  // includedData only matters for an execution encrypted with a customer key; none is locally.
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: epochSeconds(execution.startDate),
    ...(execution.stopDate === undefined ? {} : { stopDate: epochSeconds(execution.stopDate) }),
    input: execution.input,
    inputDetails: { included: true },
    ...(execution.status === 'SUCCEEDED' && execution.output !== undefined ? { output: execution.output, outputDetails: { included: true } } : {}),
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
  };
};

/** Where a page of ListExecutions starts: after this execution, for these arguments. */
interface PageToken {
  stateMachineArn: string;
  statusFilter: string | null;
  startMs: number;
  sequence: number;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

/** The token's position, or InvalidToken: a token it never gave, or one given for other arguments. */
function decodeToken(text: string, stateMachineArn: string, statusFilter: string | undefined): PageToken {
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  const candidate = token as Partial<PageToken> | null;
  if (
    typeof candidate !== 'object' || candidate === null ||
    candidate.stateMachineArn !== stateMachineArn || candidate.statusFilter !== (statusFilter ?? null) ||
    typeof candidate.startMs !== 'number' || typeof candidate.sequence !== 'number'
  ) {
    throw invalidToken();
  }
  return candidate as PageToken;
}

/**
 * ListExecutions of a state machine: newest first, optionally of one status, `maxResults` a page
 * (0 or absent: 100; at most 1,000), `nextToken` for the next page with the same arguments.
 * Pages are positions in the list (the last execution given), so executions started meanwhile do
 * not shift them. Tokens do not expire (AWS's expire after 24 hours).
 */
export const listExecutions: OperationHandler = (executions, request, caller) => {
  const stateMachineArn = stringMember(request, 'stateMachineArn');
  const mapRunArn = stringMember(request, 'mapRunArn');
  const statusFilter = stringMember(request, 'statusFilter');
  const maxResults = integerMember(request, 'maxResults');
  const nextToken = stringMember(request, 'nextToken');
  throwIfAny([
    ...lengthViolations('stateMachineArn', stateMachineArn, { min: 1, max: ARN_MAX }),
    ...enumViolations('statusFilter', statusFilter, STATUSES),
    ...(maxResults !== undefined && maxResults < 0 ? [`${at('maxResults', maxResults)} have value greater than or equal to 0`] : []),
    ...(maxResults !== undefined && maxResults > PAGE_MAX ? [`${at('maxResults', maxResults)} have value less than or equal to ${PAGE_MAX}`] : []),
    ...lengthViolations('nextToken', nextToken, { min: 1, max: TOKEN_MAX }),
  ]);
  // Map Runs (a Distributed Map's child executions) are never run locally.
  if (mapRunArn !== undefined) throw resourceNotFound(mapRunArn);
  if (stateMachineArn === undefined) throw validationException('Must provide a StateMachine ARN or MapRun ARN');
  if (statusFilter === 'PENDING_REDRIVE') throw validationException('The PENDING_REDRIVE statusFilter is only supported with a mapRunArn');

  const stateMachine = parseStateMachineArn(stateMachineArn);
  const own = stateMachine.account === caller.account && stateMachine.region === caller.region;
  // No version or alias is published locally, so a qualified ARN names none that exists.
  if (!own || stateMachine.qualified || !executions.hasStateMachine(stateMachine.arn)) throw stateMachineDoesNotExist(stateMachineArn);

  const after = nextToken === undefined ? undefined : decodeToken(nextToken, stateMachineArn, statusFilter);
  const pageSize = maxResults === undefined || maxResults === 0 ? PAGE_DEFAULT : maxResults;
  const remaining = executions
    .list(stateMachine.arn, statusFilter as ExecutionStatus | undefined)
    .filter((execution) => after === undefined || execution.startDate.getTime() < after.startMs || (execution.startDate.getTime() === after.startMs && execution.sequence < after.sequence));
  const page = remaining.slice(0, pageSize);
  const last = page.at(-1);
  return {
    executions: page.map((execution) => ({
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: epochSeconds(execution.startDate),
      ...(execution.stopDate === undefined ? {} : { stopDate: epochSeconds(execution.stopDate) }),
    })),
    ...(remaining.length > page.length && last !== undefined
      ? { nextToken: encodeToken({ stateMachineArn, statusFilter: statusFilter ?? null, startMs: last.startDate.getTime(), sequence: last.sequence }) }
      : {}),
  };
};

/**
 * StopExecution: a RUNNING execution ends ABORTED with the caller's error and cause, and its
 * registrant is told to stop running it. Stopping one that already ended succeeds and changes
 * nothing (the model lists no error for it); its stopDate is then the one it ended at.
 */
export const stopExecution: OperationHandler = (executions, request, caller) => {
  const executionArn = stringMember(request, 'executionArn');
  const error = stringMember(request, 'error');
  const cause = stringMember(request, 'cause');
  throwIfAny([
    ...lengthViolations('executionArn', executionArn, { min: 1, max: ARN_MAX, required: true }),
    ...lengthViolations('error', error, { min: 0, max: ERROR_MAX, sensitive: true }),
    ...lengthViolations('cause', cause, { min: 0, max: CAUSE_MAX, sensitive: true }),
  ]);
  executionOf(executions, executionArn!, caller);
  const stopped = executions.stop(executionArn!, { ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) });
  return { stopDate: epochSeconds(stopped!.stopDate!) };
};

/** SendTaskSuccess: the callback Task of `taskToken` succeeds with `output`, a JSON document. */
export const sendTaskSuccess: OperationHandler = (executions, request, caller) => {
  const taskToken = stringMember(request, 'taskToken');
  const output = stringMember(request, 'output');
  throwIfAny([
    ...lengthViolations('taskToken', taskToken, { min: 1, max: TASK_TOKEN_MAX, required: true }),
    ...lengthViolations('output', output, { min: 0, max: OUTPUT_MAX, required: true, sensitive: true }),
  ]);
  executions.tokens.succeed(taskToken!, output!, caller);
  return {};
};

/** SendTaskFailure: the callback Task of `taskToken` fails with `error` and `cause` (its Retry and Catch match `error`). */
export const sendTaskFailure: OperationHandler = (executions, request, caller) => {
  const taskToken = stringMember(request, 'taskToken');
  const error = stringMember(request, 'error');
  const cause = stringMember(request, 'cause');
  throwIfAny([
    ...lengthViolations('taskToken', taskToken, { min: 1, max: TASK_TOKEN_MAX, required: true }),
    ...lengthViolations('error', error, { min: 0, max: ERROR_MAX, sensitive: true }),
    ...lengthViolations('cause', cause, { min: 0, max: CAUSE_MAX, sensitive: true }),
  ]);
  executions.tokens.fail(taskToken!, { ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) }, caller);
  return {};
};

/** SendTaskHeartbeat: the callback Task of `taskToken` is alive; its HeartbeatSeconds count again. */
export const sendTaskHeartbeat: OperationHandler = (executions, request, caller) => {
  const taskToken = stringMember(request, 'taskToken');
  throwIfAny(lengthViolations('taskToken', taskToken, { min: 1, max: TASK_TOKEN_MAX, required: true }));
  executions.tokens.heartbeat(taskToken!, caller);
  return {};
};

export const operationHandlers: Record<string, OperationHandler> = {
  DescribeExecution: describeExecution,
  ListExecutions: listExecutions,
  StopExecution: stopExecution,
  SendTaskSuccess: sendTaskSuccess,
  SendTaskFailure: sendTaskFailure,
  SendTaskHeartbeat: sendTaskHeartbeat,
};
