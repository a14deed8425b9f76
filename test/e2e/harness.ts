// Runs the real recovery state machine, through the built handlers, against a local DRS service
// in frozen simulated time (only the workflow's Wait states move the clock: fast and exact).
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalDrs, type Fault, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { eventsFilePath, runLocal, type IssuedTaskToken, type RunLocalOptions, type RunResult } from '#local/runner/run-local.ts';
import { parseProgressEvent, type ProgressEvent } from '#shared/events/catalogue/index.ts';
import type { RunReport } from '#shared/report/report.ts';

export interface PlanRun {
  result: RunResult;
  /** The report the workflow wrote; a run refused at ValidateInput writes none. */
  report: RunReport;
  drs: LocalDrs;
  /** Progress events the workflow published, in order; each parsed with its catalogue schema. */
  events: ProgressEvent[];
}

export interface RunPlanOptions {
  input: Record<string, unknown>;
  /** Plan YAML text (default: plans/example.yaml). */
  plan?: string;
  scenario?: Scenario | string;
  faults?: Fault[];
  lambdaFaults?: RunLocalOptions['lambdaFaults'];
  /** A running service to reuse (its state carries over); otherwise one is started. */
  drs?: LocalDrs;
  /** The handlers' ACCOUNTS instead of the scenario's (runLocal's `accounts`). */
  accounts?: RunLocalOptions['accounts'];
  /** Stop the execution from outside when it enters this state (runLocal's `abortAt`). */
  abortAt?: RunLocalOptions['abortAt'];
  /** The execution's TimeoutSeconds, in simulated time (runLocal's `timeoutSeconds`). */
  timeoutSeconds?: number;
  /** A local CloudFormation service connected to `drs` (startCloudFormationFor) for the run to use; otherwise the run starts its own. */
  cloudFormation?: { endpoint: string };
  /** Simulated seconds per real second while callback Tasks wait (runLocal's `speed`; default 0: time stands still). */
  speed?: number;
  /** Approve every gate this long after it asks (runLocal's `approveAfterSeconds`). */
  approveAfterSeconds?: number;
  /** Told of each callback Task's token, with the run's reports folder (where its services file is). */
  onTaskToken?: (task: IssuedTaskToken, reportsDir: string) => void;
  /** How DRS's events are delivered (runLocal's `events`): dropped, repeated, delayed, or none. */
  events?: RunLocalOptions['events'];
}

export async function runPlan(options: RunPlanOptions): Promise<PlanRun> {
  const folder = await mkdtemp(join(tmpdir(), 'drs-e2e-'));
  const plansDir = join(folder, 'plans');
  const reportsDir = join(folder, 'reports');
  await mkdir(plansDir);
  await writeFile(join(plansDir, 'plan.yaml'), options.plan ?? (await readFile('plans/example.yaml', 'utf8')));
  const drs = options.drs ?? (await startLocalDrs({ scenario: options.scenario, speed: 0 }));
  for (const fault of options.faults ?? []) drs.injectFault(fault);
  const services = options.cloudFormation === undefined ? drs : { ...drs, cloudFormation: options.cloudFormation };
  const result = await runLocal({
    input: options.input,
    plansDir,
    reportsDir,
    drs: services,
    lambdaFaults: options.lambdaFaults,
    accounts: options.accounts,
    abortAt: options.abortAt,
    timeoutSeconds: options.timeoutSeconds,
    ...(options.speed === undefined ? {} : { speed: options.speed }),
    ...(options.approveAfterSeconds === undefined ? {} : { approveAfterSeconds: options.approveAfterSeconds }),
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.onTaskToken === undefined ? {} : { onTaskToken: (task: IssuedTaskToken) => options.onTaskToken?.(task, reportsDir) }),
  });
  const report = (result.reportPath === undefined ? undefined : JSON.parse(await readFile(result.reportPath, 'utf8'))) as RunReport;
  const events = (await readFile(eventsFilePath(reportsDir, result.executionName), 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line !== '')
    // Every end-to-end run holds the events the handlers really publish to the catalogue.
    .map((line) => parseProgressEvent(JSON.parse(line)));
  return { result, report, drs, events };
}

/** Recovery instances DRS still lists, by drill or not. */
export function instancesInDrs(drs: LocalDrs, isDrill: boolean): number {
  return drs.state().recoveryInstances.filter((instance) => instance.isDrill === isDrill).length;
}

/** The failed execution's message: Step Functions' Cause is Lambda's JSON error for a Task. */
export function causeOf(result: RunResult): string {
  try {
    const parsed = JSON.parse(result.cause ?? '') as { errorMessage?: string };
    return parsed.errorMessage ?? result.cause ?? '';
  } catch {
    return result.cause ?? '';
  }
}

export function hostnamesOf(drs: LocalDrs): Map<string, string> {
  return new Map(
    drs.state().sourceServers.map((server) => [server.sourceServerID ?? '', server.sourceProperties?.identificationHints?.hostname ?? '']),
  );
}
