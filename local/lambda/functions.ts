// The functions the local Lambda service holds (per account and Region, as on AWS) and the
// invocations it ran: what each was given, how it ended, how long it took.
import { functionArnOf } from './arn.ts';
import type { FunctionErrorDocument, FunctionRuntime, RunResult } from './host.ts';

export type InvocationOutcome = 'success' | 'error' | 'timeout';

export interface InvocationRecord {
  requestId: string;
  /** The function's name, account and Region. */
  function: string;
  functionArn: string;
  account: string;
  region: string;
  invocationType: 'RequestResponse' | 'Event';
  /** The event the handler was given (the request's JSON payload; `{}` for none). */
  payload: unknown;
  outcome: InvocationOutcome;
  /** The handler's result (JSON) when it succeeded. */
  result?: unknown;
  /** The error document (errorType, errorMessage, trace) when it failed or timed out. */
  error?: FunctionErrorDocument;
  durationMs: number;
  /** When it started (ISO). */
  at: string;
}

export interface FunctionSummary {
  name: string;
  functionArn: string;
  account: string;
  region: string;
  /** The handler file, absolute. */
  source: string;
  timeoutSeconds: number;
}

const MAX_RECORDS = 10_000;

export class LocalFunctions {
  private readonly byKey = new Map<string, FunctionRuntime>();
  private records: InvocationRecord[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    runtimes: FunctionRuntime[],
    private readonly now: () => Date,
  ) {
    for (const runtime of runtimes) {
      const { account, region, name } = runtime.built.spec;
      this.byKey.set(`${account}/${region}/${name}`, runtime);
    }
  }

  find(account: string, region: string, name: string): FunctionRuntime | undefined {
    return this.byKey.get(`${account}/${region}/${name}`);
  }

  list(): FunctionSummary[] {
    return [...this.byKey.values()].map(({ built: { spec, source } }) => ({
      name: spec.name,
      functionArn: functionArnOf(spec.region, spec.account, spec.name),
      account: spec.account,
      region: spec.region,
      source,
      timeoutSeconds: spec.timeoutSeconds,
    }));
  }

  /** Runs an invocation and records it once it ends. */
  invoke(runtime: FunctionRuntime, invocation: { requestId: string; eventJson: string; invocationType: InvocationRecord['invocationType'] }): Promise<RunResult> {
    const { spec } = runtime.built;
    const functionArn = functionArnOf(spec.region, spec.account, spec.name);
    const at = this.now().toISOString();
    const run = runtime.invoke(invocation.eventJson, invocation.requestId, functionArn).then((result) => {
      this.records.push({
        requestId: invocation.requestId,
        function: spec.name,
        functionArn,
        account: spec.account,
        region: spec.region,
        invocationType: invocation.invocationType,
        payload: JSON.parse(invocation.eventJson) as unknown,
        outcome: result.outcome,
        ...(result.outcome === 'success' ? { result: JSON.parse(result.payload) as unknown } : { error: result.error }),
        durationMs: result.durationMs,
        at,
      });
      if (this.records.length > MAX_RECORDS) this.records = this.records.slice(-MAX_RECORDS / 2);
      return result;
    });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run)).catch(() => {});
    return run;
  }

  /** The invocations that ended (the latest 10,000), in the order they ended. */
  invocations(): InvocationRecord[] {
    return structuredClone(this.records);
  }

  /** Resolves once no invocation is queued or running (e.g. after Event invocations). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byKey.values()].map((runtime) => runtime.stop()));
  }
}
