// The dry run on this machine: the built InspectPlan handler (.build/functions/inspectPlan/index.mjs),
// invoked once in a Lambda-like worker as `npm run aws -- plan` invokes it on AWS, against the
// local DRS, STS and action services (its preflight reads, in every account of the plan), at the
// local DRS service's simulated time. It launches nothing.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_BUILD_DIR } from '#deploy/build.ts';
import { IdentityStore } from '#local/identity/index.ts';
import { startLocalSts, type LocalSts } from '#local/sts/index.ts';
import type { PlanInspected } from '#shared/narrator/plan-view.ts';
import { startActionServicesFor, type ActionServices } from './action-services.ts';
import { accountsEnvironmentValue } from './accounts.ts';
import { fakeLambdaArn } from './definition.ts';
import { startLambdaHost } from './lambda.ts';
import type { LocalDrs } from './local-drs.ts';
import { accountsOfRun, handlerEnvironment } from './run-local.ts';

export interface InspectLocalOptions {
  drs: LocalDrs;
  /** The execution input, as a run would get it. */
  input: Record<string, unknown>;
  /** The plans folder (the plan file's), as PLANS_DIR of the deployed functions. */
  plansDir: string;
  /** Where the handler's log goes (`dry-run-<time>.log`). */
  reportsDir: string;
  /** The scenario file: the action functions' handler paths are relative to its folder. */
  scenarioFile?: string;
  buildDir?: string;
  verbose?: boolean;
}

/** Runs the InspectPlan handler once and returns its answer; its errors are thrown as Lambda reports them. */
export async function inspectLocal(options: InspectLocalOptions): Promise<PlanInspected> {
  const { drs } = options;
  const reportsDir = resolve(options.reportsDir);
  await mkdir(reportsDir, { recursive: true });
  const stamp = drs.now().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const logPath = options.verbose ? undefined : join(reportsDir, `dry-run-${stamp}.log`);
  const log = logPath === undefined ? undefined : createWriteStream(logPath, { flags: 'a' });
  let ownSts: LocalSts | undefined;
  let ownActions: ActionServices | undefined;
  try {
    const identity = drs.identity ?? new IdentityStore();
    const [sts, actions] = await Promise.all([
      drs.sts ?? startLocalSts({ identity }).then((started) => (ownSts = started)),
      // Preflight checks that the plan's action functions and documents exist.
      drs.actions ?? startActionServicesFor(drs, { scenarioFile: drs.scenarioFile ?? options.scenarioFile }).then((started) => (ownActions = started)),
    ]);
    const environment = handlerEnvironment({
      drs,
      sts,
      actions,
      accounts: accountsEnvironmentValue(accountsOfRun(drs), undefined),
      plansDir: resolve(options.plansDir),
      reportsDir,
      eventsFile: join(reportsDir, `dry-run-${stamp}.events.jsonl`),
      verbose: options.verbose ?? false,
    });
    const host = await startLambdaHost({
      buildDir: options.buildDir ?? DEFAULT_BUILD_DIR,
      functionKeys: ['inspectPlan'],
      env: environment,
      output: log === undefined ? (text) => process.stdout.write(text) : (text) => log.write(text),
    });
    try {
      const request = { input: options.input, now: drs.now().toISOString() };
      return JSON.parse(await host.invoke('inspectPlan', fakeLambdaArn(drs.region, 'inspectPlan'), JSON.stringify(request))) as PlanInspected;
    } finally {
      await host.stop();
    }
  } finally {
    await Promise.all([ownSts?.stop(), ownActions?.stop()]);
    if (log !== undefined) await new Promise((done) => log.end(done));
  }
}
