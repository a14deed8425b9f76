// Lambda cold start: each function's bundle size (the `npm run build` bundles) and its cold
// import time (a fresh `node` process importing the bundle, as the Lambda runtime does at init),
// side by side with a bundle holding only a bare @aws-sdk/client-drs client, built with the same
// esbuild options. Processes interleave bundle by bundle, round by round, so machine load falls
// on all alike; the figure is the median of ROUNDS. Prints figures; asserts nothing.
// Run: npx tsx bench/cold-start.ts
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { HANDLER_BUNDLE_OPTIONS } from '#local/build.ts';
import { ensureBuilt, kib, met, printTable } from './support.ts';

const run = promisify(execFile);
const ROUNDS = 9;
const BARE = 'bare DRS client';
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** A handler that only creates a DRS client at module scope: the floor a DRS function starts from. */
async function buildBareDrsBundle(folder: string): Promise<string> {
  const entry = join(folder, 'bare-drs.ts');
  await writeFile(
    entry,
    "import { DrsClient } from '@aws-sdk/client-drs';\nconst drs = new DrsClient({ region: process.env.AWS_REGION });\nexport const handler = async () => drs.config.serviceId;\n",
  );
  await build({ ...HANDLER_BUNDLE_OPTIONS, entryPoints: { bareDrs: entry }, outdir: folder, nodePaths: [join(projectRoot, 'node_modules')] });
  return join(folder, 'bareDrs.mjs');
}

/** Milliseconds a fresh node process takes to import the bundle (init), measured inside it. */
async function coldImportMs(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  return Number(stdout.trim().split('\n').at(-1));
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export interface ColdStartFigures {
  name: string;
  bytes: number;
  medianMs: number;
  ratioToBare: number;
}

export async function measureColdStarts(): Promise<ColdStartFigures[]> {
  const functions = await ensureBuilt();
  const folder = await mkdtemp(join(tmpdir(), 'drs-bench-bare-'));
  try {
    const bare = await buildBareDrsBundle(folder);
    const bundles = [{ name: BARE, file: bare, bytes: (await stat(bare)).size }, ...functions.map((f) => ({ name: f.key, file: f.file, bytes: f.bytes }))];
    // What the deployed functions read at init (serverless.yml sets the source-map flag).
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
      TRIGGERS_FILE: join(projectRoot, 'deploy', 'stages', 'dev.yaml'),
      POWERTOOLS_SERVICE_NAME: 'drs-orchestrator',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const samples = new Map(bundles.map((bundle) => [bundle.name, [] as number[]]));
    const failures = new Map<string, string>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const bundle of bundles) {
        if (failures.has(bundle.name)) continue;
        try {
          samples.get(bundle.name)!.push(await coldImportMs(bundle.file, env));
        } catch (error) {
          failures.set(bundle.name, (error as Error).message.split('\n').slice(0, 3).join(' '));
        }
      }
    }
    for (const [name, message] of failures) console.log(`  ${name}: import failed: ${message}`);
    const bareMs = median(samples.get(BARE)!);
    return bundles
      .filter((bundle) => !failures.has(bundle.name))
      .map((bundle) => {
        const medianMs = median(samples.get(bundle.name)!);
        return { name: bundle.name, bytes: bundle.bytes, medianMs, ratioToBare: medianMs / bareMs };
      });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export async function benchColdStart(): Promise<ColdStartFigures[]> {
  const figures = await measureColdStarts();
  const bare = figures.find((f) => f.name === BARE)!;
  printTable(
    `4. Lambda cold start: bundle size and cold import (fresh node, --enable-source-maps, median of ${ROUNDS}, interleaved)`,
    ['bundle', 'size', 'size / bare', 'cold import', 'import / bare (≤ 1.2×)', ''],
    figures.map((f) => [
      f.name,
      kib(f.bytes),
      `${(f.bytes / bare.bytes).toFixed(2)}×`,
      `${f.medianMs.toFixed(0)} ms`,
      `${f.ratioToBare.toFixed(2)}×`,
      f.name === BARE ? 'baseline' : met(f.ratioToBare <= 1.2),
    ]),
  );
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchColdStart();
}
