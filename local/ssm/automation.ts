// The Automation documents and executions of the local SSM service, per account and Region as
// Systems Manager keeps them. An execution's status is derived, at each look, from its start time
// and what its document (or the scenario's next per-execution outcome) says it does:
//   Pending (pendingSeconds) → InProgress → Success | Failed | TimedOut after durationSeconds;
// StopAutomationExecution turns a running one Cancelling, then Cancelled after cancelSeconds.
// Time is the service's clock (a local run's simulated one), so a run faster than real time sees
// the statuses in its own time. The service keeps no timers.
import { randomUUID } from 'node:crypto';
import {
  automationDefinitionNotFound,
  automationDefinitionVersionNotFound,
  automationExecutionNotFound,
  idempotentParameterMismatch,
  invalidAutomationExecutionParameters,
  invalidAutomationStatusUpdate,
  invalidDocument,
  invalidDocumentVersion,
} from './errors.ts';
import type { Outcome, ParsedDocument, ParsedSsmScenario } from './scenario.ts';

/** Where a document or an execution lives. */
export interface SsmScope {
  account: string;
  region: string;
}

/**
 * The clock the service answers in: the local DRS service's simulated clock in a local run;
 * `advance` lets that simulation apply what it has due before a request is answered. The same
 * shape as the local CloudFormation service's.
 */
export interface ServiceClock {
  nowMs(): number;
  advance?(): void;
}

/** The wall clock: the service on its own. */
export const wallClock: ServiceClock = { nowMs: () => Date.now() };

export type AutomationStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'TimedOut' | 'Cancelling' | 'Cancelled';
export const TERMINAL: ReadonlySet<AutomationStatus> = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

export interface Tag {
  Key: string;
  Value: string;
}

/** What StartAutomationExecution asked for, validated by the operation. */
export interface AutomationStart {
  documentName: string;
  documentVersion?: string;
  parameters?: Record<string, string[]>;
  clientToken?: string;
  tags?: Tag[];
  mode?: string;
  /** The caller's ARN: ExecutedBy. */
  executedBy: string;
}

/** An execution as the service's inspection (and its operations) see it; times in epoch ms. */
export interface ExecutionView extends SsmScope {
  id: string;
  document: string;
  documentVersion: string;
  status: AutomationStatus;
  /** As supplied to StartAutomationExecution. */
  parameters: Record<string, string[]>;
  tags: Tag[];
  mode: string;
  executedBy: string;
  clientToken?: string;
  startMs: number;
  endMs?: number;
  /** Set once it ended Success, Failed or TimedOut. */
  outputs?: Record<string, string[]>;
  failureMessage?: string;
}

interface ExecutionRecord extends SsmScope {
  id: string;
  document: string;
  documentVersion: string;
  parameters: Record<string, string[]>;
  tags: Tag[];
  mode: string;
  executedBy: string;
  clientToken?: string;
  /** The StartAutomationExecution arguments a reused ClientToken must match. */
  fingerprint: string;
  startMs: number;
  sequence: number;
  plan: { outcome: Outcome; durationSeconds: number; pendingSeconds: number; outputs: Record<string, string[]>; failureMessage?: string };
  stop?: { atMs: number };
}

const keyOf = (scope: SsmScope) => `${scope.account}/${scope.region}`;
const VERSION_ALIASES = new Set(['$LATEST', '$DEFAULT']);

/** A JSON text with object keys sorted: the same arguments give the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export class SsmAutomation {
  /** Documents by scope, then name. */
  private readonly documents = new Map<string, Map<string, ParsedDocument & { createdMs: number; runs: number }>>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** `<account>/<region>/<lower-case token>` → execution ID. */
  private readonly tokens = new Map<string, string>();
  private sequence = 0;

  constructor(
    readonly clock: ServiceClock,
    private readonly scenario: ParsedSsmScenario,
    /** Where documents without `account`/`region` live. */
    readonly home: SsmScope,
  ) {
    const dayBefore = clock.nowMs() - 86_400_000;
    for (const declared of scenario.documents) {
      const scope = { account: declared.account ?? home.account, region: declared.region ?? home.region };
      let byName = this.documents.get(keyOf(scope));
      if (byName === undefined) {
        byName = new Map();
        this.documents.set(keyOf(scope), byName);
      }
      byName.set(declared.name, { ...structuredClone(declared), createdMs: dayBefore, runs: 0 });
    }
  }

  /** Before an API request or an inspection: the other simulation's due events, then the time. */
  private now(): number {
    this.clock.advance?.();
    return this.clock.nowMs();
  }

  private documentOf(scope: SsmScope, name: string) {
    return this.documents.get(keyOf(scope))?.get(name);
  }

  private statusOf(execution: ExecutionRecord, now: number): AutomationStatus {
    if (execution.stop !== undefined) return now < execution.stop.atMs + this.scenario.cancelSeconds * 1000 ? 'Cancelling' : 'Cancelled';
    const elapsed = now - execution.startMs;
    if (elapsed >= execution.plan.durationSeconds * 1000) return execution.plan.outcome;
    return elapsed < Math.min(execution.plan.pendingSeconds, execution.plan.durationSeconds) * 1000 ? 'Pending' : 'InProgress';
  }

  private view(execution: ExecutionRecord, now: number): ExecutionView {
    const status = this.statusOf(execution, now);
    const ended = TERMINAL.has(status);
    const endMs = !ended ? undefined : execution.stop !== undefined ? execution.stop.atMs + this.scenario.cancelSeconds * 1000 : execution.startMs + execution.plan.durationSeconds * 1000;
    const settled = ended && status !== 'Cancelled';
    return structuredClone({
      account: execution.account,
      region: execution.region,
      id: execution.id,
      document: execution.document,
      documentVersion: execution.documentVersion,
      status,
      parameters: execution.parameters,
      tags: execution.tags,
      mode: execution.mode,
      executedBy: execution.executedBy,
      ...(execution.clientToken === undefined ? {} : { clientToken: execution.clientToken }),
      startMs: execution.startMs,
      ...(endMs === undefined ? {} : { endMs }),
      ...(settled ? { outputs: execution.plan.outputs } : {}),
      ...(settled && status !== 'Success' && execution.plan.failureMessage !== undefined ? { failureMessage: execution.plan.failureMessage } : {}),
    });
  }

  /** The execution of that ID in the caller's account and Region, or AutomationExecutionNotFoundException. */
  private find(scope: SsmScope, id: string): ExecutionRecord {
    const execution = this.executions.get(id.toLowerCase());
    if (execution === undefined || execution.account !== scope.account || execution.region !== scope.region) throw automationExecutionNotFound(id);
    return execution;
  }

  // ---- the API ----------------------------------------------------------------------------

  /** StartAutomationExecution: a new execution's ID, or the one a reused ClientToken started. */
  start(scope: SsmScope, start: AutomationStart): string {
    const now = this.now();
    const document = this.documentOf(scope, start.documentName);
    if (document === undefined) throw automationDefinitionNotFound(start.documentName);
    if (start.documentVersion !== undefined && !VERSION_ALIASES.has(start.documentVersion) && start.documentVersion !== document.version) {
      throw automationDefinitionVersionNotFound(start.documentName, start.documentVersion);
    }
    const parameters = start.parameters ?? {};
    const tags = start.tags ?? [];
    const mode = start.mode ?? 'Auto';
    const fingerprint = canonical({ document: start.documentName, version: start.documentVersion ?? null, parameters, mode, tags });

    // The token first: a retry of a request that started an execution answers that execution.
    const tokenKey = start.clientToken === undefined ? undefined : `${keyOf(scope)}/${start.clientToken.toLowerCase()}`;
    const previous = tokenKey === undefined ? undefined : this.tokens.get(tokenKey);
    if (previous !== undefined) {
      if (this.executions.get(previous)!.fingerprint !== fingerprint) throw idempotentParameterMismatch(start.clientToken!);
      return previous;
    }

    this.checkParameters(document, parameters);
    const run = document.outcomes[document.runs] ?? {};
    document.runs += 1;
    const id = randomUUID();
    this.executions.set(id, {
      ...scope,
      id,
      document: document.name,
      documentVersion: document.version,
      parameters: structuredClone(parameters),
      tags: structuredClone(tags),
      mode,
      executedBy: start.executedBy,
      ...(start.clientToken === undefined ? {} : { clientToken: start.clientToken }),
      fingerprint,
      startMs: now,
      sequence: this.sequence++,
      plan: {
        outcome: run.outcome ?? document.outcome,
        durationSeconds: run.durationSeconds ?? document.durationSeconds,
        pendingSeconds: document.pendingSeconds,
        outputs: run.outputs ?? document.outputs,
        failureMessage: run.failureMessage ?? document.failureMessage ?? defaultFailureMessage(run.outcome ?? document.outcome),
      },
    });
    if (tokenKey !== undefined) this.tokens.set(tokenKey, id);
    return id;
  }

  /** The parameters must be the document's, every required one given, a String's exactly one value. */
  private checkParameters(document: ParsedDocument, parameters: Record<string, string[]>): void {
    const declared = new Map(document.parameters.map((parameter) => [parameter.name, parameter]));
    const names = document.parameters.map((parameter) => parameter.name).join(', ') || 'none';
    const unknown = Object.keys(parameters).filter((name) => !declared.has(name));
    if (unknown.length > 0) {
      throw invalidAutomationExecutionParameters(`Parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')} not declared by document ${document.name} (it declares: ${names})`);
    }
    const missing = document.parameters.filter((parameter) => parameter.default === undefined && !Object.hasOwn(parameters, parameter.name)).map((parameter) => parameter.name);
    if (missing.length > 0) {
      throw invalidAutomationExecutionParameters(`Required parameter${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(', ')} missing: document ${document.name} declares ${missing.length > 1 ? 'them' : 'it'} without a default`);
    }
    for (const [name, values] of Object.entries(parameters)) {
      if (declared.get(name)!.type === 'String' && values.length !== 1) {
        throw invalidAutomationExecutionParameters(`Parameter "${name}" of document ${document.name} is a String: it takes exactly one value, got ${values.length}`);
      }
    }
  }

  /** GetAutomationExecution. */
  get(scope: SsmScope, id: string): ExecutionView {
    const now = this.now();
    return this.view(this.find(scope, id), now);
  }

  /** StopAutomationExecution: a running execution goes Cancelling, then Cancelled; one that ended is refused. */
  stop(scope: SsmScope, id: string): void {
    const now = this.now();
    const execution = this.find(scope, id);
    const status = this.statusOf(execution, now);
    if (TERMINAL.has(status)) throw invalidAutomationStatusUpdate(id, status);
    if (execution.stop === undefined) execution.stop = { atMs: now };
  }

  /** The executions of a scope, newest first (start time, then order of start). */
  list(scope: SsmScope): ExecutionView[] {
    const now = this.now();
    return [...this.executions.values()]
      .filter((execution) => execution.account === scope.account && execution.region === scope.region)
      .sort((a, b) => b.startMs - a.startMs || b.sequence - a.sequence)
      .map((execution) => this.view(execution, now));
  }

  /** DescribeDocument: the document of that name in the scope, or InvalidDocument / InvalidDocumentVersion. */
  describeDocument(scope: SsmScope, name: string, version?: string): ParsedDocument & { createdMs: number } {
    this.now();
    const document = this.documentOf(scope, name);
    if (document === undefined) throw invalidDocument(name);
    if (version !== undefined && !VERSION_ALIASES.has(version) && version !== document.version) throw invalidDocumentVersion(name, version);
    const { runs: _runs, ...rest } = document;
    return structuredClone(rest);
  }

  // ---- inspection -------------------------------------------------------------------------

  /** Every execution of a scope (default: the home account and Region), oldest first. */
  state(scope: Partial<SsmScope> = {}): ExecutionView[] {
    return this.list({ account: scope.account ?? this.home.account, region: scope.region ?? this.home.region }).reverse();
  }
}

/** What an execution that failed without a declared message says. */
function defaultFailureMessage(outcome: Outcome): string | undefined {
  if (outcome === 'Failed') return 'Step fails when it is Executing. Fail to execute step: the scenario declared this execution Failed.';
  if (outcome === 'TimedOut') return 'Step timed out while step is verifying. The scenario declared this execution TimedOut.';
  return undefined;
}
