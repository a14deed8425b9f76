// Lambda cold start: each function's init size (its bundle and the chunks it imports statically,
// as `npm run build` makes them) and its cold import time (a fresh `node` process importing the
// bundle, as the Lambda runtime does at init), side by side with a bundle holding only a bare
// @aws-sdk/client-drs client, built by the same build. Processes interleave bundle by bundle,
// round by round, so machine load falls on all alike; each function's ratio is taken per round to
// the bare bundle of the same round. Rounds: 5 × BENCH_REPEATS (15 by default). Import times and
// ratios print as min / median / max: wall-clock samples, no verdict. Prints figures; asserts nothing.
// Run: npx tsx bench/cold-start.ts
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildFunctions, type BuiltFunction } from '#deploy/build.ts';
import { stageConfigDocument } from '#shared/trigger/stage-yaml.ts';
import { ensureBuilt, fixed, kib, printTable, REPEATS, spread, summarize } from './support.ts';
import { DEFAULT_SWEEP_SETTINGS } from '#shared/sweep/settings.ts';

const run = promisify(execFile);
/** Rounds of cold imports: a process start is short and noisy, so more samples than a run's. */
const ROUNDS = 5 * REPEATS;
const BARE = 'bare DRS client';
/** The function measured a second time as deployed with `traceAwsCalls: true`. */
const TRACED = 'checkLaunch';
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * A handler that only creates a DRS client at module scope, the floor a DRS function starts from,
 * built by the same build as the functions (same esbuild options, same code splitting).
 */
async function buildBareDrsBundle(folder: string): Promise<BuiltFunction> {
  // Inside the project, so that it resolves the project's node_modules as the handlers do. On a
  // fresh clone .build/ does not exist yet.
  await mkdir(join(projectRoot, '.build'), { recursive: true });
  const functionsDir = await mkdtemp(join(projectRoot, '.build', 'bench-bare-'));
  try {
    await writeFile(
      join(functionsDir, 'bare-drs.ts'),
      "import { DrsClient } from '@aws-sdk/client-drs';\nconst drs = new DrsClient({ region: process.env.AWS_REGION });\nexport const handler = async () => drs.config.serviceId;\n",
    );
    const [bare] = await buildFunctions({ functionsDir, outDir: folder });
    return bare;
  } finally {
    await rm(functionsDir, { recursive: true, force: true });
  }
}

/** Milliseconds a fresh node process takes to import the bundle (init), measured inside it. */
async function coldImportMs(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  return Number(stdout.trim().split('\n').at(-1));
}

export interface ColdStartFigures {
  name: string;
  /** Bytes Node reads at init: the bundle and its statically imported chunks. */
  bytes: number;
  /** Cold import time, one sample per round. */
  importMs: number[];
  /** Per round: this bundle's time / the bare bundle's time in the same round. */
  ratiosToBare: number[];
}

interface Measured {
  name: string;
  file: string;
  bytes: number;
  env: NodeJS.ProcessEnv;
}

export async function measureColdStarts(): Promise<ColdStartFigures[]> {
  const functions = await ensureBuilt();
  const folder = await mkdtemp(join(tmpdir(), 'drs-bench-bare-'));
  try {
    const bare = await buildBareDrsBundle(folder);
    // The trigger reads its stage configuration at init, as the package ships it: compiled JSON.
    const stageFile = join(projectRoot, 'deploy', 'stages', 'dev.yaml');
    const triggersFile = join(folder, 'stage.json');
    await writeFile(triggersFile, JSON.stringify(stageConfigDocument(await readFile(stageFile, 'utf8'), stageFile)));
    // What the deployed functions get at init: serverless.yml sets the source-map flag, and the
    // stage's default traceAwsCalls: false sets POWERTOOLS_TRACE_ENABLED=false. (PLANS_DIR is
    // read per invocation, not at init.)
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
      PLANS_DIR: join(projectRoot, 'plans'),
      REPORTS_DIR: folder,
      EVENTS_FILE: join(folder, 'events.jsonl'),
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:bench',
      // The lock and gate steps' table and topic, the sweep's settings and workflows: every
      // function reads its own at init, and a missing one fails its import (not measured).
      LOCK_TABLE: 'drs-orchestrator-bench-locks',
      OPERATOR_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:drs-orchestrator-bench-operator-alerts',
      SWEEP_SETTINGS: JSON.stringify(DEFAULT_SWEEP_SETTINGS),
      RECOVERY_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:bench',
      FAILBACK_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:bench-failback',
      STOPPED_RUN_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:bench-stopped-run',
      TRIGGERS_FILE: triggersFile,
      POWERTOOLS_SERVICE_NAME: 'drs-orchestrator',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const traced = functions.find((f) => f.key === TRACED)!;
    const bundles: Measured[] = [
      { name: BARE, file: bare.file, bytes: bare.bytes, env },
      ...functions.map((f) => ({ name: f.key, file: f.file, bytes: f.bytes, env })),
      { name: `${TRACED}, traceAwsCalls: true`, file: traced.file, bytes: traced.bytes, env: { ...env, POWERTOOLS_TRACE_ENABLED: 'true' } },
    ];
    const samples = new Map(bundles.map((bundle) => [bundle.name, [] as number[]]));
    const ratios = new Map(bundles.map((bundle) => [bundle.name, [] as number[]]));
    const failures = new Map<string, string>();
    for (let round = 0; round < ROUNDS; round++) {
      let bareMs = Number.NaN;
      for (const bundle of bundles) {
        if (failures.has(bundle.name)) continue;
        try {
          const ms = await coldImportMs(bundle.file, bundle.env);
          if (bundle.name === BARE) bareMs = ms;
          samples.get(bundle.name)!.push(ms);
          ratios.get(bundle.name)!.push(ms / bareMs);
        } catch (error) {
          failures.set(bundle.name, (error as Error).message.split('\n').slice(0, 3).join(' '));
        }
      }
    }
    for (const [name, message] of failures) console.log(`  ${name}: import failed: ${message}`);
    return bundles
      .filter((bundle) => !failures.has(bundle.name))
      .map((bundle) => ({ name: bundle.name, bytes: bundle.bytes, importMs: samples.get(bundle.name)!, ratiosToBare: ratios.get(bundle.name)! }));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export async function benchColdStart(): Promise<ColdStartFigures[]> {
  const figures = await measureColdStarts();
  const bare = figures.find((f) => f.name === BARE)!;
  printTable(
    `4. Lambda cold start: init size and cold import (fresh node, --enable-source-maps, ${ROUNDS} rounds interleaved; min / median / max)`,
    ['bundle', 'init size', 'size / bare', 'cold import', 'import / bare, per round (target ≤ 1.15×)'],
    figures.map((f) => [
      f.name,
      kib(f.bytes),
      `${(f.bytes / bare.bytes).toFixed(2)}×`,
      spread(f.importMs, fixed(0), 'ms'),
      f.name === BARE ? 'baseline' : spread(f.ratiosToBare, fixed(2), '×'),
    ]),
  );
  const medians = figures.filter((f) => f.name !== BARE).map((f) => summarize(f.ratiosToBare).median);
  console.log(`  Median ratios to the bare client: ${Math.min(...medians).toFixed(2)}× – ${Math.max(...medians).toFixed(2)}×; a wall-clock spread, not a verdict.`);
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchColdStart();
}
