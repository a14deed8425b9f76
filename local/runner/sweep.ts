// The orphan sweeper on this machine: its built handler (.build/functions/sweep/index.mjs), invoked once
// in a Lambda-like worker as its schedule invokes it on AWS, against the local DRS, STS and Step
// Functions services a run used, at the local DRS service's simulated time.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createWriteStream } from 'node:fs';
import { DEFAULT_BUILD_DIR } from '#deploy/build.ts';
import { IdentityStore } from '#local/identity/index.ts';
import { startLocalSts, type LocalSts } from '#local/sts/index.ts';
import { DEFAULT_SWEEP_SETTINGS, type SweepSettings } from '#shared/sweep/settings.ts';
import { SweepAnswer } from '#shared/sweep/summary.ts';
import { fakeLambdaArn } from './definition.ts';
import { startLambdaHost } from './lambda.ts';
import type { LocalDrs, LocalStepFunctionsEndpoint, LocalStsEndpoint } from './local-drs.ts';
import { accountsEnvironmentValue } from './accounts.ts';
import { accountsOfRun, handlerEnvironment, localStateMachineArns } from './run-local.ts';

export interface SweepLocalOptions {
  /** The local DRS service the runs used, with the STS and Step Functions services they used. */
  drs: LocalDrs & { stepFunctions: LocalStepFunctionsEndpoint };
  /** Where the sweep's log and its `Orphans Swept` event go (`sweep-<time>.log`, `.events.jsonl`). */
  reportsDir: string;
  dryRun?: boolean;
  /** The stage's `sweep:` settings (default: its defaults). */
  settings?: Partial<Omit<SweepSettings, 'schedule'>>;
  /** The handler's ACCOUNTS, as runLocal's `accounts` (default: the scenario's). */
  accounts?: unknown;
  buildDir?: string;
  verbose?: boolean;
}

export interface LocalSweep {
  /** The sweep function's answer. */
  result: SweepAnswer;
  /** Where its `Orphans Swept` event went. */
  eventsFile: string;
  logPath?: string;
}

/**
 * Runs the sweep handler once. Its SweepIncompleteError (an account it could not reach) is thrown
 * as Lambda reports it, like any handler error of a local run.
 */
export async function sweepLocal(options: SweepLocalOptions): Promise<LocalSweep> {
  const { drs } = options;
  const reportsDir = resolve(options.reportsDir);
  await mkdir(reportsDir, { recursive: true });
  const stamp = drs.now().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const eventsFile = join(reportsDir, `sweep-${stamp}.events.jsonl`);
  const logPath = options.verbose ? undefined : join(reportsDir, `sweep-${stamp}.log`);
  const log = logPath === undefined ? undefined : createWriteStream(logPath, { flags: 'a' });
  let ownSts: LocalSts | undefined;
  try {
    const sts: LocalStsEndpoint = drs.sts ?? (ownSts = await startLocalSts({ identity: drs.identity ?? new IdentityStore() }));
    const settings = { ...DEFAULT_SWEEP_SETTINGS, ...options.settings };
    const stateMachines = localStateMachineArns(drs);
    // On AWS the stack deploys them; here one exists once defined, and ListExecutions of one that
    // does not (no stopped run yet) would answer StateMachineDoesNotExist.
    for (const arn of Object.values(stateMachines)) drs.stepFunctions.executions.defineStateMachine(arn);
    const environment = handlerEnvironment({
      drs,
      sts,
      stepFunctions: drs.stepFunctions,
      accounts: accountsEnvironmentValue(accountsOfRun(drs), options.accounts),
      // The sweep reads no plan and writes no report.
      plansDir: reportsDir,
      reportsDir,
      eventsFile,
      verbose: options.verbose ?? false,
    });
    const host = await startLambdaHost({
      buildDir: options.buildDir ?? DEFAULT_BUILD_DIR,
      functionKeys: ['sweep'],
      env: {
        ...environment,
        SWEEP_SETTINGS: JSON.stringify(settings),
        RECOVERY_STATE_MACHINE_ARN: stateMachines.recovery,
        FAILBACK_STATE_MACHINE_ARN: stateMachines.failback,
        STOPPED_RUN_STATE_MACHINE_ARN: stateMachines.stoppedRun,
      },
      output: log === undefined ? (text) => process.stdout.write(text) : (text) => log.write(text),
    });
    try {
      // The schedule's time, on the simulated clock: instance ages are counted to it.
      const request = { dryRun: options.dryRun ?? false, scheduledTime: drs.now().toISOString() };
      const answer: unknown = JSON.parse(await host.invoke('sweep', fakeLambdaArn(drs.region, 'sweep'), JSON.stringify(request)));
      return { result: SweepAnswer.parse(answer), eventsFile, ...(logPath === undefined ? {} : { logPath }) };
    } finally {
      await host.stop();
    }
  } finally {
    await ownSts?.stop();
    if (log !== undefined) await new Promise((done) => log.end(done));
  }
}
