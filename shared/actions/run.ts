// RunWaveActions: the plan's actions before or after a wave, one at a time, in plan order. A Lambda
// action is invoked and answered within the step; an SSM Automation is started once (the ledger and
// SSM's ClientToken make a retried step find it) and polled by the workflow's Wait loop until it
// ends. A failure stops the run (onFailure: stop) or is reported and the run goes on (continue).
import { createHash } from 'node:crypto';
import { ActionFailedError } from '#shared/errors.ts';
import { KEY_PREFIX } from '#shared/lock/keys.ts';
import { actionTimeoutSeconds, appliesTo, type WaveAction } from '#shared/plan/actions.ts';
import type { Plan } from '#shared/plan/schema.ts';
import type { ActionResult, WaveFront } from '#shared/recovery/front.ts';
import type { Run } from '#shared/recovery/state.ts';
import type { ActionInput, ActionServer } from './input.ts';
import { FunctionNotInvokedError, type ActionPorts, type AutomationView } from './ports.ts';

/** Outputs and results are kept to this many characters: the state is compact, the report links to the logs. */
const MAX_OUTPUT_CHARS = 1_000;
/** Ledger entries outlive the longest run (a week) by a day. */
const LEDGER_DAYS = 8;
// From 15 s (as the wave polls) to a minute: an automation takes minutes, each poll costs history events.
const SSM_POLL = { minSeconds: 15, maxSeconds: 60 } as const;
const SSM_TERMINAL: Record<string, ActionResult['status']> = { Success: 'SUCCEEDED', Failed: 'FAILED', TimedOut: 'TIMED_OUT', Cancelled: 'CANCELLED' };

export interface ActionStep {
  run: Run;
  plan: Plan;
  front: WaveFront;
  /** When the step runs (the state's entered time), ISO-8601. */
  now: string;
  /** The wave's servers as the action input lists them (read once per step, only when an action starts). */
  servers: () => Promise<ActionServer[]>;
}

/** The actions of the front's phase that apply to the run's mode, in plan order. */
export function actionsOf(plan: Plan, front: WaveFront, mode: string): WaveAction[] {
  const wave = plan.waves.find((candidate) => candidate.name === front.name);
  const phase = front.phase ?? 'before';
  return (wave?.[phase] ?? []).filter((action) => appliesTo(action, mode));
}

/** The key of one action of one run in the ledger, and the root of its idempotency token. */
export function actionKey(execution: string, front: WaveFront, action: WaveAction): string {
  return `${KEY_PREFIX.action}#${execution}#${front.name}#${front.phase ?? 'before'}#${action.name}`;
}

/** A UUID (SSM's ClientToken format) derived from the action's key: every attempt sends the same. */
export function clientTokenOf(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const clip = (text: string) => (text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS - 1)}…` : text);
const seconds = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10);

function resultOf(action: WaveAction, phase: 'before' | 'after', fields: Pick<ActionResult, 'status' | 'startedAt' | 'endedAt'> & Partial<ActionResult>): ActionResult {
  return {
    name: action.name,
    phase,
    kind: action.lambda !== undefined ? 'lambda' : 'ssmAutomation',
    target: action.lambda?.function ?? action.ssmAutomation?.document ?? '',
    onFailure: action.onFailure ?? 'stop',
    durationSeconds: seconds(fields.startedAt, fields.endedAt),
    ...fields,
  };
}

/** The input a Lambda action gets (input.ts documents it). */
export function actionInput(step: ActionStep, action: WaveAction, key: string, servers: ActionServer[]): ActionInput {
  return {
    plan: step.run.plan,
    mode: step.run.mode,
    execution: step.run.execution,
    wave: step.front.name,
    phase: step.front.phase ?? 'before',
    action: action.name,
    parameters: action.lambda?.parameters ?? {},
    idempotencyKey: key,
    servers,
  };
}

/**
 * The document's parameters with the placeholders replaced: `{{ec2InstanceIds}}`, `{{privateIps}}`
 * and `{{sourceServerIds}}` as a whole value become the list; `{{plan}}`, `{{mode}}`,
 * `{{execution}}` and `{{wave}}` are replaced inside any value. AutomationAssumeRole is the stage's
 * automation role when the document declares it and the plan does not set it.
 */
export function automationParameters(
  step: ActionStep,
  action: WaveAction,
  servers: ActionServer[],
  declared: readonly string[],
  automationRoleArn: string | undefined,
): Record<string, string[]> {
  const lists: Record<string, string[]> = {
    '{{ec2InstanceIds}}': servers.flatMap((server) => (server.ec2InstanceId === undefined ? [] : [server.ec2InstanceId])),
    '{{privateIps}}': servers.flatMap((server) => (server.privateIp === undefined ? [] : [server.privateIp])),
    '{{sourceServerIds}}': servers.map((server) => server.sourceServerId),
  };
  const words: Record<string, string> = { '{{plan}}': step.run.plan, '{{mode}}': step.run.mode, '{{execution}}': step.run.execution, '{{wave}}': step.front.name };
  const expand = (value: string): string[] => {
    const list = lists[value.trim()];
    if (list !== undefined) return list;
    return [Object.entries(words).reduce((text, [placeholder, word]) => text.replaceAll(placeholder, word), value)];
  };
  const parameters: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(action.ssmAutomation?.parameters ?? {})) {
    parameters[name] = (Array.isArray(value) ? value : [value]).flatMap(expand);
  }
  if (automationRoleArn !== undefined && declared.includes('AutomationAssumeRole') && parameters.AutomationAssumeRole === undefined) {
    parameters.AutomationAssumeRole = [automationRoleArn];
  }
  return parameters;
}

/** The next poll of a running automation: brisk at first, then every minute at most. */
function ssmPollSeconds(startedAt: string, now: string): number {
  return Math.min(SSM_POLL.maxSeconds, Math.max(SSM_POLL.minSeconds, Math.round(seconds(startedAt, now) / 3)));
}

function failureOfAutomation(view: AutomationView, document: string): string {
  return view.failureMessage ?? `automation of ${document} ended ${view.status}`;
}

/**
 * One round of the phase's actions: polls the running automation, else starts the next action.
 * Returns the front with the round's outcome: `actionsDone` when every action of the phase ended,
 * `stopRun` when a failed action stops the run.
 */
export async function runWaveActions(step: ActionStep, ports: ActionPorts): Promise<WaveFront> {
  const { front, now } = step;
  const phase = front.phase ?? 'before';
  const actions = actionsOf(step.plan, front, step.run.mode);
  const results = front.results ?? [];
  const finished = results.filter((result) => result.phase === phase).length;
  const { running: _running, stopRun: _stopRun, pollSeconds: _poll, ...rest } = front;
  const settle = (result: ActionResult): WaveFront => {
    const all = [...results, result];
    const failed = result.status !== 'SUCCEEDED';
    if (failed && result.onFailure === 'stop') {
      return { ...rest, results: all, actionsDone: true, stopRun: { error: ActionFailedError.name, cause: failureCause(result, front.name) } };
    }
    const done = all.filter((candidate) => candidate.phase === phase).length >= actions.length;
    // Wait 0: the next action starts at once, in a step of its own (each may take up to 14 minutes).
    return { ...rest, results: all, actionsDone: done, pollSeconds: 0 };
  };

  if (front.running !== undefined) {
    const action = actions.find((candidate) => candidate.name === front.running?.name);
    if (action === undefined) throw new Error(`action "${front.running.name}" is not in wave "${front.name}" of plan "${step.plan.name}" any more`);
    const view = await ports.ssm.get(front.running.automationExecutionId);
    const key = actionKey(step.run.execution, front, action);
    const terminal = SSM_TERMINAL[view.status];
    if (terminal !== undefined) {
      const result = resultOf(action, phase, {
        status: terminal,
        startedAt: view.startedAt ?? front.running.startedAt,
        endedAt: view.endedAt ?? now,
        automationExecutionId: front.running.automationExecutionId,
        ...(view.outputs === undefined || Object.keys(view.outputs).length === 0 ? {} : { outputs: clip(JSON.stringify(view.outputs)) }),
        ...(terminal === 'SUCCEEDED' ? {} : { failureReason: clip(failureOfAutomation(view, action.ssmAutomation?.document ?? '')) }),
      });
      await ports.ledger.update(key, { automationExecutionId: front.running.automationExecutionId, result });
      return settle(result);
    }
    if (seconds(front.running.startedAt, now) >= actionTimeoutSeconds(action)) {
      await ports.ssm.stop(front.running.automationExecutionId);
      const result = resultOf(action, phase, {
        status: 'TIMED_OUT',
        startedAt: front.running.startedAt,
        endedAt: now,
        automationExecutionId: front.running.automationExecutionId,
        failureReason: `no end within ${actionTimeoutSeconds(action)} s (the action's timeoutMinutes): the automation was stopped (StopAutomationExecution)`,
      });
      await ports.ledger.update(key, { automationExecutionId: front.running.automationExecutionId, result });
      return settle(result);
    }
    return { ...rest, running: front.running, actionsDone: false, pollSeconds: ssmPollSeconds(front.running.startedAt, now) };
  }

  const action = actions[finished];
  if (action === undefined) return { ...rest, actionsDone: true, pollSeconds: 0 };
  const key = actionKey(step.run.execution, front, action);
  const claimed = await ports.ledger.claim(key, Math.floor(Date.parse(now) / 1000) + LEDGER_DAYS * 86_400);
  const earlier = claimed ? undefined : await ports.ledger.read(key);
  // A retried step whose earlier attempt finished the action but not the step: its result stands.
  if (earlier?.result !== undefined) return settle(earlier.result);

  if (action.lambda !== undefined) {
    if (!claimed) {
      // The earlier attempt invoked the function and never recorded an answer: invoking it again
      // could run it twice (a DNS change, a database promotion), so the outcome is reported unknown.
      const result = resultOf(action, phase, {
        status: 'FAILED',
        startedAt: now,
        endedAt: now,
        failureReason: `an earlier attempt of this step invoked ${action.lambda.function} and did not record its answer; it is not invoked twice: check the function's logs (idempotency key ${key})`,
      });
      await ports.ledger.update(key, { result });
      return settle(result);
    }
    const input = actionInput(step, action, key, await step.servers());
    const started = performance.now();
    const outcome = await ports.lambda.invoke(action.lambda.function, input, actionTimeoutSeconds(action) * 1000).catch(async (error: unknown) => {
      // Throttled: nothing ran, so the step's retry may invoke it (the claim goes).
      if (error instanceof FunctionNotInvokedError) await ports.ledger.release(key);
      throw error;
    });
    const endedAt = new Date(Date.parse(now) + Math.round(performance.now() - started)).toISOString();
    const result = outcome.ok
      ? resultOf(action, phase, { status: 'SUCCEEDED', startedAt: now, endedAt, outputs: clip(outcome.result) })
      : resultOf(action, phase, { status: outcome.timedOut ? 'TIMED_OUT' : 'FAILED', startedAt: now, endedAt, failureReason: clip(outcome.reason) });
    await ports.ledger.update(key, { result });
    return settle(result);
  }

  const automation = action.ssmAutomation!;
  let automationExecutionId = earlier?.automationExecutionId;
  if (automationExecutionId === undefined) {
    const declared = await ports.ssm.describeDocument(automation.document, automation.version);
    if (declared === undefined) {
      const result = resultOf(action, phase, { status: 'FAILED', startedAt: now, endedAt: now, failureReason: `SSM document ${automation.document} does not exist in this account and Region` });
      await ports.ledger.update(key, { result });
      return settle(result);
    }
    const servers = await step.servers();
    automationExecutionId = await ports.ssm.start({
      document: automation.document,
      ...(automation.version === undefined ? {} : { version: automation.version }),
      parameters: automationParameters(step, action, servers, declared.names, ports.automationRoleArn),
      clientToken: clientTokenOf(key),
      tags: { 'drs-orchestrator:execution': step.run.execution, 'drs-orchestrator:plan': step.run.plan, 'drs-orchestrator:wave': front.name.replaceAll(' ', '_'), 'drs-orchestrator:action': action.name.replaceAll(' ', '_') },
    });
    await ports.ledger.update(key, { automationExecutionId });
  }
  return { ...rest, running: { name: action.name, startedAt: now, automationExecutionId }, actionsDone: false, pollSeconds: SSM_POLL.minSeconds };
}

/** The cause the run stops with when an action fails: the wave, the action, what it ran and why. */
export function failureCause(result: ActionResult, wave: string): string {
  const what = result.kind === 'lambda' ? `Lambda function ${result.target}` : `SSM Automation ${result.target}${result.automationExecutionId ? ` (${result.automationExecutionId})` : ''}`;
  const how = result.status === 'TIMED_OUT' ? 'timed out' : result.status === 'CANCELLED' ? 'was cancelled' : 'failed';
  return `action "${result.name}" ${result.phase} wave "${wave}" ${how}: ${what}: ${result.failureReason ?? result.status}`;
}
