// State machine definition → a definition aws-local-stepfunctions runs on this machine.
//
// The ASL file stays the one source of truth; these transforms exist only for the local run and
// change how states are executed, never the flow:
//  1. Task `Resource: {Fn::GetAtt: [<functionKey>, Arn]}` (resolved by serverless-step-functions
//     on AWS) → a fake Lambda ARN; the runner overrides each such Task with the built handler.
//  2. Wait states → a local Task of the same name that sleeps the simulated duration scaled by
//     the run's speed and passes its input through (ResultPath null). aws-local-stepfunctions
//     can only override a Wait with a fixed duration, and our waits read `SecondsPath`.
//  3. Retry intervals (IntervalSeconds, MaxDelaySeconds) divided by the speed, so a retry waits
//     simulated seconds, with backoff and jitter kept. (The library's retryIntervalOverrides is
//     one fixed pause per retrier, which would drop the backoff.)
//  4. `$$.Execution.StartTime` → `$$.Execution.SimulatedStartTime`: aws-local-stepfunctions 3.0
//     always overwrites Execution.StartTime with the wall clock, and the run lives in the local
//     DRS service's simulated time.
//  5. `ResultPath: $` (in states and catchers) → no ResultPath, which means the same (the result
//     replaces the input): aws-local-stepfunctions 3.0 writes the result under a key named "$".
//  6. Callback Tasks (`Resource: arn:aws:states:::<service>:<action>.waitForTaskToken`): the
//     library knows no task tokens. The runner overrides them: it issues a token at the local
//     Step Functions service, puts it where the library evaluated `$$.Task.Token` to a
//     placeholder (TASK_TOKEN_PLACEHOLDER, the run's context), invokes the built handler for
//     `lambda:invoke` (FunctionName `{Fn::GetAtt: [<functionKey>, Arn]}` → a fake Lambda ARN) and
//     waits for the callback. Their TimeoutSeconds and HeartbeatSeconds are kept out of the
//     definition (the library would count them in real time) and counted in simulated time.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export type StateType = 'Task' | 'Parallel' | 'Map' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';

/** A state as the ASL file declares it; only the fields the transforms touch are typed. */
export interface AslState {
  Type: StateType;
  Resource?: unknown;
  Next?: string;
  End?: boolean;
  Retry?: AslRetrier[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[];
  ResultPath?: string | null;
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  InputPath?: string | null;
  Iterator?: AslDefinition;
  ItemProcessor?: AslDefinition;
  Branches?: AslDefinition[];
  [field: string]: unknown;
}

export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxDelaySeconds?: number;
  [field: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

/** How a Wait state waits, in simulated time. */
export type WaitSpec =
  | { seconds: number }
  | { secondsPath: string }
  | { timestamp: string }
  | { timestampPath: string };

export interface LocalDefinition {
  /** The definition to hand to aws-local-stepfunctions. */
  definition: AslDefinition;
  /** Lambda Task state name → the function key of the handler it invokes. */
  lambdaTasks: Record<string, string>;
  /** Wait state name → its wait, now run by a local Task of the same name. */
  waits: Record<string, WaitSpec>;
  /** Every state's type in the ASL file (a Wait stays a Wait here), for the history count. */
  stateTypes: Record<string, StateType>;
  /**
   * The execution's TimeoutSeconds, kept out of the definition the library runs (it would time
   * the execution in real time): the runner times it out in simulated time.
   */
  timeoutSeconds?: number;
  /** Callback Task state name → how the runner runs it (transform 6). */
  callbackTasks: Record<string, CallbackTaskSpec>;
}

/** A `.waitForTaskToken` Task as the runner runs it. */
export interface CallbackTaskSpec {
  /** The Resource as the ASL names it: `arn:aws:states:::lambda:invoke.waitForTaskToken`, … */
  resource: string;
  /** For `lambda:invoke`: the handler it invokes with `Parameters.Payload`. */
  functionKey?: string;
  /** The Task's TimeoutSeconds and HeartbeatSeconds, in simulated seconds. */
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** TimeoutSecondsPath: the timeout is in the evaluated Parameters' TIMEOUT_SECONDS_FIELD. */
  timeoutSecondsFromInput?: boolean;
  /**
   * Its timeout leads where its callback does (a Catch of States.Timeout or States.ALL goes to its
   * Next): a wait that a callback may cut short, like WaitForLaunch. On a frozen clock the runner
   * moves time through it to the next thing that can happen (a simulated event, the timeout), as
   * it moves time through a Wait; a gate a person answers (whose timeout goes elsewhere) does not
   * move it.
   */
  waitCutShort?: boolean;
}

/** Where a callback Task's TimeoutSecondsPath lands in its evaluated Parameters (taken out before use). */
export const TIMEOUT_SECONDS_FIELD = 'localRunnerTimeoutSeconds';

/**
 * What `$$.Task.Token` evaluates to while the library prepares a callback Task's Parameters; the
 * runner then replaces it, wherever it landed in a string, with the token it issued.
 */
export const TASK_TOKEN_PLACEHOLDER = 'local-runner-task-token-placeholder-7b1f0c2e';
const TASK_TOKEN_PATH = '$$.Task.Token';
const CALLBACK_SUFFIX = '.waitForTaskToken';
const LAMBDA_INVOKE_CALLBACK = `arn:aws:states:::lambda:invoke${CALLBACK_SUFFIX}`;

export interface LocalRunSettings {
  region: string;
  /** Simulated seconds per real second. */
  speed: number;
}

export const SIMULATED_START_TIME_FIELD = 'SimulatedStartTime';
const SIMULATED_START_TIME_PATH = `$$.Execution.${SIMULATED_START_TIME_FIELD}`;
const START_TIME_PATH = '$$.Execution.StartTime';

/** Above this, setTimeout overflows; a local Wait task must be allowed to run its whole wait. */
const LONGEST_LOCAL_TASK_SECONDS = 2_147_483;

/** Reads an ASL definition from YAML (anchors and aliases resolved) or JSON. */
export async function readStateMachine(path: string): Promise<AslDefinition> {
  const parsed: unknown = parse(await readFile(path, 'utf8'), { maxAliasCount: -1 });
  if (typeof parsed !== 'object' || parsed === null || !('States' in parsed) || !('StartAt' in parsed)) {
    throw new Error(`${path} is not a state machine definition (it needs StartAt and States)`);
  }
  return parsed as AslDefinition;
}

export function fakeLambdaArn(region: string, functionKey: string): string {
  return `arn:aws:lambda:${region}:000000000000:function:${functionKey}`;
}

/** `{Fn::GetAtt: [startWave, Arn]}` → `startWave`; any other resource is not one of ours. */
function functionKeyOf(stateName: string, resource: unknown): string {
  const getAtt = (resource as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt.length === 2 && typeof getAtt[0] === 'string' && getAtt[1] === 'Arn') {
    return getAtt[0];
  }
  throw new Error(
    `state ${stateName}: Resource ${JSON.stringify(resource)} is not {Fn::GetAtt: [<functionKey>, Arn]}; the local runner can only run this project's Lambda handlers`,
  );
}

/** A callback Task's spec, and the state the library runs in its place (see transform 6). */
function callbackSpecOf(stateName: string, original: AslState, region: string): { spec: CallbackTaskSpec; state: AslState } {
  const { TimeoutSeconds, HeartbeatSeconds, TimeoutSecondsPath, ...state } = original;
  if (state.HeartbeatSecondsPath !== undefined) throw new Error(`Task state ${stateName}: HeartbeatSecondsPath is not supported by the local runner on a callback Task`);
  if (TimeoutSecondsPath !== undefined && TimeoutSeconds !== undefined) throw new Error(`Task state ${stateName}: give TimeoutSeconds or TimeoutSecondsPath, not both`);
  for (const [field, value] of [['TimeoutSeconds', TimeoutSeconds], ['HeartbeatSeconds', HeartbeatSeconds]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) {
      throw new Error(`Task state ${stateName}: ${field} ${JSON.stringify(value)} is not a positive integer`);
    }
  }
  const catchers = (state.Catch ?? []) as Array<{ ErrorEquals?: string[]; Next?: string }>;
  const timeoutCatcher = catchers.find((catcher) => catcher.ErrorEquals?.some((error) => error === 'States.Timeout' || error === 'States.ALL'));
  const spec: CallbackTaskSpec = {
    ...(timeoutCatcher !== undefined && timeoutCatcher.Next === state.Next ? { waitCutShort: true } : {}),
    resource: state.Resource as string,
    ...(TimeoutSeconds === undefined ? {} : { timeoutSeconds: TimeoutSeconds as number }),
    ...(HeartbeatSeconds === undefined ? {} : { heartbeatSeconds: HeartbeatSeconds as number }),
  };
  if (spec.resource === LAMBDA_INVOKE_CALLBACK) {
    const parameters = state.Parameters as Record<string, unknown> | undefined;
    spec.functionKey = functionKeyOf(stateName, parameters?.FunctionName);
    state.Parameters = { ...parameters, FunctionName: fakeLambdaArn(region, spec.functionKey) };
  }
  if (TimeoutSecondsPath !== undefined) {
    // Read from the state's input as its Parameters are: the library evaluates it into this
    // field, which the runner takes out again before the Parameters go anywhere.
    if (typeof TimeoutSecondsPath !== 'string') throw new Error(`Task state ${stateName}: TimeoutSecondsPath ${JSON.stringify(TimeoutSecondsPath)} is not a path`);
    state.Parameters = { ...(state.Parameters as Record<string, unknown> | undefined), [`${TIMEOUT_SECONDS_FIELD}.$`]: TimeoutSecondsPath };
    spec.timeoutSecondsFromInput = true;
  }
  // The library's default task timeout (60 s, real) would cut a callback an approver answers later.
  return { spec, state: { ...state, TimeoutSeconds: LONGEST_LOCAL_TASK_SECONDS } };
}

function waitSpecOf(stateName: string, state: AslState): WaitSpec {
  if (state.InputPath !== undefined) {
    // A Task with ResultPath null outputs its raw input, a Wait its InputPath-filtered one.
    throw new Error(`Wait state ${stateName}: InputPath is not supported by the local runner`);
  }
  if (typeof state.Seconds === 'number') return { seconds: state.Seconds };
  if (typeof state.SecondsPath === 'string') return { secondsPath: state.SecondsPath };
  if (typeof state.Timestamp === 'string') return { timestamp: state.Timestamp };
  if (typeof state.TimestampPath === 'string') return { timestampPath: state.TimestampPath };
  throw new Error(`Wait state ${stateName} has none of Seconds, SecondsPath, Timestamp, TimestampPath`);
}

/** Retry pauses in simulated seconds; a frozen clock (speed 0) retries at once. */
function scaleRetriers(retriers: AslRetrier[], speed: number): AslRetrier[] {
  const scale = speed > 0 ? 1 / speed : 0;
  return retriers.map((retrier) => ({
    ...retrier,
    IntervalSeconds: (retrier.IntervalSeconds ?? 1) * scale,
    ...(retrier.MaxDelaySeconds === undefined ? {} : { MaxDelaySeconds: retrier.MaxDelaySeconds * scale }),
  }));
}

/** Rewrites `$$.Execution.StartTime` in every `<key>.$` path of a payload template. */
function useSimulatedStartTime(template: unknown): unknown {
  if (Array.isArray(template)) return template.map(useSimulatedStartTime);
  if (typeof template !== 'object' || template === null) return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => [
      key,
      key.endsWith('.$') && typeof value === 'string'
        ? value.replaceAll(START_TIME_PATH, () => SIMULATED_START_TIME_PATH) // a function: `$$` in a replacement string means `$`
        : useSimulatedStartTime(value),
    ]),
  );
}

/** Applies the local transforms (see the top of this file) to a definition and its nested ones. */
export function prepareForLocalRun(source: AslDefinition, settings: LocalRunSettings): LocalDefinition {
  const prepared: LocalDefinition = { definition: source, lambdaTasks: {}, waits: {}, stateTypes: {}, callbackTasks: {} };

  const transform = (definition: AslDefinition): AslDefinition => {
    const states = Object.entries(definition.States).map(([name, original]): [string, AslState] => {
      if (prepared.stateTypes[name] !== undefined) throw new Error(`state name ${name} is used twice`);
      prepared.stateTypes[name] = original.Type;
      let state: AslState = { ...original };
      for (const field of ['Parameters', 'ResultSelector', 'ItemSelector'] as const) {
        if (state[field] !== undefined) state[field] = useSimulatedStartTime(state[field]);
      }
      if (state.Retry) state.Retry = scaleRetriers(state.Retry, settings.speed);
      if (state.ResultPath === '$') delete state.ResultPath;
      if (state.Catch) state.Catch = state.Catch.map(({ ResultPath, ...catcher }) => (ResultPath === '$' ? catcher : { ...catcher, ResultPath }));
      if (state.Iterator) state.Iterator = transform(state.Iterator);
      if (state.ItemProcessor) state.ItemProcessor = transform(state.ItemProcessor);
      if (state.Branches) state.Branches = state.Branches.map(transform);

      const isCallback = state.Type === 'Task' && typeof state.Resource === 'string' && state.Resource.endsWith(CALLBACK_SUFFIX);
      if (!isCallback && JSON.stringify(state.Parameters ?? null).includes(TASK_TOKEN_PATH)) {
        throw new Error(`state ${name}: ${TASK_TOKEN_PATH} is only given to a Task whose Resource ends with ${CALLBACK_SUFFIX}`);
      }
      if (isCallback) {
        const spec = callbackSpecOf(name, state, settings.region);
        prepared.callbackTasks[name] = spec.spec;
        state = spec.state;
      } else if (state.Type === 'Task') {
        const functionKey = functionKeyOf(name, state.Resource);
        prepared.lambdaTasks[name] = functionKey;
        state.Resource = fakeLambdaArn(settings.region, functionKey);
      } else if (state.Type === 'Wait') {
        prepared.waits[name] = waitSpecOf(name, state);
        const { Comment, Next, End, OutputPath } = state;
        state = {
          Type: 'Task',
          ...(Comment === undefined ? {} : { Comment }),
          Resource: fakeLambdaArn(settings.region, `local-wait-${name.replace(/[^A-Za-z0-9-_]/g, '-')}`),
          ResultPath: null,
          // The library's default task timeout (60 s) would cut a long wait at a slow speed.
          TimeoutSeconds: LONGEST_LOCAL_TASK_SECONDS,
          ...(OutputPath === undefined ? {} : { OutputPath }),
          ...(Next === undefined ? {} : { Next }),
          ...(End === undefined ? {} : { End }),
        };
      }
      return [name, state];
    });
    return { ...definition, States: Object.fromEntries(states) };
  };

  const { TimeoutSeconds: timeoutSeconds, ...untimed } = source;
  prepared.definition = transform(untimed as AslDefinition);
  if (typeof timeoutSeconds === 'number') prepared.timeoutSeconds = timeoutSeconds;
  return prepared;
}

/**
 * Reads a reference path (`$`, `$.wave.pollSeconds`, `$['wave'].pollSeconds`) from a state's
 * input: the forms the Wait states of this project use.
 */
export function readPath(input: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`${path} is not a reference path`);
  const keys = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g)].map(
    (match) => match[1] ?? match[3] ?? Number(match[2]),
  );
  return keys.reduce<unknown>((value, key) => {
    if (value === null || typeof value !== 'object') return undefined;
    return (value as Record<string | number, unknown>)[key];
  }, input);
}
