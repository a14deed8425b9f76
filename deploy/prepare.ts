// `tsx deploy/prepare.ts --stage <stage> [--reuse-build]`: everything `osls package|deploy` needs, checked first.
// Validates every plan file and the stage configuration (every plan it deploys or triggers
// exists, its accounts fit the functions' environment), bundles the handlers, and writes .build/deploy/<stage>.json, the manifest
// deploy/serverless.cjs turns into functions, IAM roles, schedules and alarm rules.
import { LAUNCH_RESULT_PATTERN } from '#shared/events/drs-launch-result.ts';
import { RUN_END_PATTERNS } from '#shared/events/ssm-run-end.ts';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildFunctions, functionKeyOf, listHandlerFiles } from '#deploy/build.ts';
import { bundleFileOf } from '#deploy/bundles.ts';
import { InvalidPlanError } from '#shared/errors.ts';
import { counted } from '#shared/words.ts';
import { compilePlanFile, readPlanFile } from '#shared/plan/load.ts';
import { readStageConfig, type StageConfig } from '#shared/trigger/config.ts';
import { InvalidStageConfigError } from '#shared/trigger/errors.ts';
import { stageConfigDocument } from '#shared/trigger/stage-yaml.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** What serverless.cjs reads: paths are relative to the project root (the service directory). */
export interface DeployManifest {
  stage: string;
  /** The stage configuration file (deploy/stages/<stage>.yaml). */
  configFile: string;
  config: StageConfig;
  /** Deployed plan name → its plan file in plans/. */
  planFiles: Record<string, string>;
  /** What the package ships: the plans and the stage configuration compiled to JSON (no YAML parser at cold start). */
  compiled: {
    /** PLANS_DIR of the workflow functions: `<plan name>.json` per deployed plan. */
    plansDir: string;
    /** TRIGGERS_FILE of the trigger function. */
    configFile: string;
  };
  /** The EventBridge pattern of DRS's launch results, which resume waves (shared/events/drs-launch-result.ts). */
  launchResultPattern: typeof LAUNCH_RESULT_PATTERN;
  /** The EventBridge patterns of SSM's ends of runs, which resume waves waiting for post-launch actions (shared/events/ssm-run-end.ts). */
  runEndPatterns: typeof RUN_END_PATTERNS;
  /** What the deployed plans' action steps run: the only functions and documents their IAM allows. */
  actions: { functions: string[]; documents: string[] };
  /** Function keys, one per handler in functions/ (trigger included). */
  functions: string[];
}

export function stageConfigPath(stage: string, root = projectRoot): string {
  return join(root, 'deploy', 'stages', `${stage}.yaml`);
}

export function manifestPath(stage: string, root = projectRoot): string {
  return join(root, '.build', 'deploy', `${stage}.json`);
}

/** Where the stage's compiled plans and configuration go: .build/deploy/<stage>/. */
function compiledDir(stage: string, root = projectRoot): string {
  return join(root, '.build', 'deploy', stage);
}

/**
 * Every plan file in `plansDir` parsed (one broken file fails the package, deployed or not: it
 * would fail the day someone deploys it) → plan name → file, relative to `root`.
 */
export async function readPlanFiles(plansDir: string, root = projectRoot): Promise<Record<string, string>> {
  const files = (await readdir(plansDir)).filter((name) => ['.yaml', '.yml'].includes(extname(name))).sort();
  const byName: Record<string, string> = {};
  for (const file of files) {
    const path = join(plansDir, file);
    const plan = await readPlanFile(path);
    const earlier = byName[plan.name];
    if (earlier !== undefined) throw new InvalidPlanError(`plan "${plan.name}" is defined by ${earlier} and ${relative(root, path)}: give each plan its own name`);
    byName[plan.name] = relative(root, path);
  }
  return byName;
}

/** How deploy/serverless.cjs writes the stage's accounts into the functions' ACCOUNTS variable. */
const { accountsVariable } = createRequire(import.meta.url)('./serverless.cjs') as { accountsVariable: (manifest: { config: StageConfig }) => string };

/**
 * Lambda holds at most 4 KB of environment variables per function (names and values); the workflow
 * functions' other variables take about half a kilobyte, a long event bus name more.
 */
export const ACCOUNTS_VARIABLE_LIMIT = 3072;

/** The stage's accounts must fit the ACCOUNTS variable, or the deploy would fail in CloudFormation. */
function checkAccountsFit(config: StageConfig, source: string): void {
  const length = accountsVariable({ config }).length;
  if (length > ACCOUNTS_VARIABLE_LIMIT) {
    throw new InvalidStageConfigError(
      `${source}: accounts: ${config.accounts.length} accounts take ${length} characters as the functions' ACCOUNTS variable, over the ${ACCOUNTS_VARIABLE_LIMIT} Lambda's 4 KB of variables leaves it: ` +
        'leave out what defaults cover (regions that are only the deployment\'s Region, stagingAccounts DRS lists itself) or use shorter aliases and external IDs',
    );
  }
}

/** The stage's configuration checked against the plan files: every deployed plan has a file. */
export async function checkStage(stage: string, root = projectRoot): Promise<Omit<DeployManifest, 'functions' | 'compiled' | 'actions' | 'launchResultPattern' | 'runEndPatterns'>> {
  const configFile = stageConfigPath(stage, root);
  const config = await readStageConfig(configFile);
  checkAccountsFit(config, relative(root, configFile));
  const allPlanFiles = await readPlanFiles(join(root, 'plans'), root);
  const missing = config.plans.filter((name) => allPlanFiles[name] === undefined);
  if (missing.length > 0) {
    throw new InvalidPlanError(
      `${relative(root, configFile)}: plans: no plan file for ${missing.map((name) => `"${name}"`).join(', ')} in plans/ (plans there: ${Object.keys(allPlanFiles).join(', ') || '(none)'})`,
    );
  }
  const planFiles = Object.fromEntries(config.plans.map((name) => [name, allPlanFiles[name]]));
  return { stage, configFile: relative(root, configFile), config, planFiles };
}

/**
 * Writes the deployed plans and the stage configuration as JSON, the documents as written (the
 * functions check them again when they read them), replacing an earlier compilation's files.
 */
async function compileStage(checked: Omit<DeployManifest, 'functions' | 'compiled' | 'actions' | 'launchResultPattern' | 'runEndPatterns'>, root: string): Promise<Pick<DeployManifest, 'compiled' | 'actions'>> {
  const folder = compiledDir(checked.stage, root);
  await rm(folder, { recursive: true, force: true });
  await mkdir(join(folder, 'plans'), { recursive: true });
  const functions = new Set<string>();
  const documents = new Set<string>();
  for (const [name, file] of Object.entries(checked.planFiles)) {
    const { plan, json } = await compilePlanFile(join(root, file));
    await writeFile(join(folder, 'plans', `${name}.json`), json);
    for (const action of plan.waves.flatMap((wave) => [...(wave.before ?? []), ...(wave.after ?? [])])) {
      if (action.lambda !== undefined) functions.add(action.lambda.function);
      if (action.ssmAutomation !== undefined) documents.add(action.ssmAutomation.document);
    }
  }
  const configFile = join(folder, 'stage.json');
  await writeFile(configFile, `${JSON.stringify(stageConfigDocument(await readFile(join(root, checked.configFile), 'utf8'), checked.configFile), null, 2)}\n`);
  return {
    compiled: { plansDir: relative(root, join(folder, 'plans')), configFile: relative(root, configFile) },
    actions: { functions: [...functions].sort(), documents: [...documents].sort() },
  };
}

/** The bundles already in .build/functions, one per handler; a missing one fails with its name. */
async function existingBundles(root: string): Promise<string[]> {
  const keys = (await listHandlerFiles(join(root, 'functions'))).map(functionKeyOf);
  for (const key of keys) {
    const bundle = bundleFileOf(join(root, '.build', 'functions'), key);
    await stat(bundle).catch(() => {
      throw new Error(`${relative(root, bundle)} is missing: build the handlers (npm run build) or drop --reuse-build`);
    });
  }
  return keys;
}

/**
 * Checks the stage, bundles the handlers (or, with `reuseBuild`, takes the bundles already built:
 * the test run builds them once for every suite, and rebuilding would pull them from under the
 * suites running alongside) and writes the manifest.
 */
export async function prepareStage(stage: string, root = projectRoot, reuseBuild = false): Promise<DeployManifest> {
  const checked = await checkStage(stage, root);
  const { compiled, actions } = await compileStage(checked, root);
  const keys = reuseBuild ? await existingBundles(root) : (await buildFunctions()).map((bundle) => bundle.key);
  const manifest: DeployManifest = { ...checked, compiled, actions, launchResultPattern: LAUNCH_RESULT_PATTERN, runEndPatterns: RUN_END_PATTERNS, functions: keys.sort() };
  const path = manifestPath(stage, root);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { stage: { type: 'string' }, 'reuse-build': { type: 'boolean', default: false } } });
  if (values.stage === undefined || !/^[a-zA-Z0-9-]+$/.test(values.stage)) {
    console.error('usage: tsx deploy/prepare.ts --stage <stage> [--reuse-build]   (reads deploy/stages/<stage>.yaml)');
    process.exit(2);
  }
  try {
    const manifest = await prepareStage(values.stage, projectRoot, values['reuse-build']);
    console.log(
      `stage ${manifest.stage}: plans ${Object.entries(manifest.planFiles).map(([name, file]) => `${name} (${file})`).join(', ')}; ` +
        `${counted(manifest.config.drills.length, 'drill schedule')}, ${counted(manifest.config.alarms.length, 'alarm trigger')}, ${counted(manifest.config.accounts.length, 'account')}; ${counted(manifest.functions.length, 'function')} bundled`,
    );
  } catch (error) {
    console.error(`deploy check failed:\n${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
