// Fast feedback as a developer meets it: `npm start` in a copy of this working tree, cold (no
// build cache: every handler built), warm (nothing changed: the cache checked by content and
// reused) and after an edit of one handler's file (that bundle built again, the others reused),
// rounds interleaved (cold, warm, edited, cold, …) so machine load falls on all alike.
// Each start is timed from the spawn of npm to its exit, and split by the moments its lines
// arrive: npm and tsx up to the build's line, the build (or the cache check), the set-up of the
// local services up to the execution's line, then the run; the run's pacing (600× speed: the
// simulated time ÷ 600, meant to be watched) is shown apart. `--npm-test` also times `npm run
// test:fast` and `npm test` (the whole suite: minutes, so one sample each and not in `npm run bench`).
// Wall-clock samples, min / median / max, no verdict. Prints figures; asserts nothing.
// Run: npx tsx bench/feedback.ts [--npm-test]
import { execFile, spawn } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { counted } from '#shared/words.ts';
import { fixed, printTable, REPEATS, spread } from './support.ts';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
/** The local runner's default pace: simulated seconds per wall-clock second. */
const DEFAULT_SPEED = 600;
/** The handler file the "edited" starts change: one line added, in the copy. */
const EDITED_HANDLER = 'functions/check-launch.ts';

export interface StartTiming {
  /** Spawn of npm → its exit. */
  totalMs: number;
  /** Spawn → the build's line (`Built …` / `Reused …`): npm, tsx, the runner's imports. */
  toBuildMs: number;
  /** The build's own figure: every handler built, or the cache checked. */
  buildMs: number;
  /** Build line → the execution's line: the local services started, the plan checked. */
  setUpMs: number;
  /** Execution line → exit: the run, its summary and its report. */
  runMs: number;
  /** Of the run: the simulated time at 600×, a pace meant to be watched. */
  pacingMs: number;
  exitCode: number | null;
}

/** A copy of the working tree (tracked and untracked, not ignored) sharing node_modules. */
async function copyOfProject(): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'drs-bench-feedback-'));
  const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 });
  const files = stdout.split('\0').filter((file) => file !== '');
  for (const file of files) {
    await mkdir(dirname(join(copy, file)), { recursive: true });
    await cp(join(projectRoot, file), join(copy, file), { force: true }).catch((error: NodeJS.ErrnoException) => {
      // A file deleted in the working tree but still in the index.
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await symlink(join(projectRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

/** Runs `npm <args>` in `cwd`, noting when each stdout line arrived (ms since spawn). */
function timedNpm(cwd: string, args: readonly string[]): Promise<{ exitCode: number | null; totalMs: number; lines: Array<{ atMs: number; text: string }> }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('npm', args, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<{ atMs: number; text: string }> = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const atMs = performance.now() - started;
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) lines.push({ atMs, text });
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, totalMs: performance.now() - started, lines }));
  });
}

/** The figure ending the build's line: `… in 30.0 s`, `… in 850 ms`. */
function millisecondsOf(buildLine: string): number {
  const figure = / in ([\d.]+) (ms|s)$/.exec(buildLine);
  if (figure === null) throw new Error(`npm start's build line gives no duration: ${buildLine}`);
  return Number(figure[1]) * (figure[2] === 's' ? 1000 : 1);
}

/** One `npm start` in `project`, split into its parts by the lines it prints. */
async function timeNpmStart(project: string, reportDir: string): Promise<StartTiming> {
  const { exitCode, totalMs, lines } = await timedNpm(project, ['start', '--silent', '--', '--report-dir', reportDir]);
  const build = lines.find((line) => /^(Built|Reused)\b/.test(line.text));
  const execution = lines.find((line) => line.text.startsWith('Execution '));
  const simulated = lines.map((line) => /(?:(\d+)h )?(?:(\d+)m )?(\d+)s simulated in/.exec(line.text)).find((match) => match !== null);
  if (build === undefined || execution === undefined || simulated === undefined) {
    throw new Error(`npm start (exit ${exitCode}) did not print its build, execution and summary lines:\n${lines.map((line) => line.text).join('\n')}`);
  }
  const simulatedSeconds = Number(simulated[1] ?? 0) * 3600 + Number(simulated[2] ?? 0) * 60 + Number(simulated[3]);
  const buildMs = millisecondsOf(build.text);
  return {
    totalMs,
    toBuildMs: build.atMs - buildMs,
    buildMs,
    setUpMs: execution.atMs - build.atMs,
    runMs: totalMs - execution.atMs,
    pacingMs: (simulatedSeconds / DEFAULT_SPEED) * 1000,
    exitCode,
  };
}

export interface FeedbackFigures {
  cold: StartTiming[];
  warm: StartTiming[];
  /** After a line added to one handler's file (functions/check-launch.ts). */
  edited: StartTiming[];
  npmTest?: { totalMs: number; exitCode: number | null };
  testFast?: { totalMs: number; exitCode: number | null };
}

/** `npm start` cold and warm, interleaved, `rounds` times each; `npm test` once if asked. */
export async function measureFeedback(rounds = REPEATS, withNpmTest = false): Promise<FeedbackFigures> {
  const project = await copyOfProject();
  const reportDir = join(project, 'bench-reports');
  try {
    const figures: FeedbackFigures = { cold: [], warm: [], edited: [] };
    for (let round = 0; round < rounds; round++) {
      await rm(join(project, '.build'), { recursive: true, force: true });
      figures.cold.push(await timeNpmStart(project, reportDir));
      figures.warm.push(await timeNpmStart(project, reportDir));
      await appendFile(join(project, EDITED_HANDLER), `// edited by bench/feedback.ts, round ${round + 1}\n`);
      figures.edited.push(await timeNpmStart(project, reportDir));
    }
    if (withNpmTest) {
      const fast = await timedNpm(project, ['run', 'test:fast', '--silent']);
      figures.testFast = { totalMs: fast.totalMs, exitCode: fast.exitCode };
      const test = await timedNpm(project, ['test', '--silent']);
      figures.npmTest = { totalMs: test.totalMs, exitCode: test.exitCode };
    }
    return figures;
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}

export function printFeedback(figures: FeedbackFigures): void {
  const seconds = (timings: StartTiming[], pick: (timing: StartTiming) => number) => spread(timings.map(pick).map((ms) => ms / 1000), fixed(1), ' s');
  const failed = [...figures.cold, ...figures.warm, ...figures.edited].filter((timing) => timing.exitCode !== 0).length;
  const parts: Array<[string, (timing: StartTiming) => number]> = [
    ['whole (spawn → exit)', (timing) => timing.totalMs],
    ['  npm, tsx and the runner’s imports', (timing) => timing.toBuildMs],
    ['  build (cold, edited) or cache check (warm)', (timing) => timing.buildMs],
    ['  local services started, plan checked', (timing) => timing.setUpMs],
    ['  the run, its summary and report', (timing) => timing.runMs],
    ['    of it, pacing at 600× (simulated ÷ 600)', (timing) => timing.pacingMs],
  ];
  printTable(
    `npm start, in a copy of the working tree: cold (no build cache), warm (nothing changed) and after a line added to ${EDITED_HANDLER}, ${counted(figures.cold.length, 'interleaved round')}, min / median / max`,
    ['part', 'cold', 'warm', 'one handler edited', 'for reference'],
    parts.map(([name, pick], index) => [name, seconds(figures.cold, pick), seconds(figures.warm, pick), seconds(figures.edited, pick), index === 0 ? 'aim: cold ≤ 12 s, warm ≤ 6 s' : '']),
  );
  if (failed > 0) console.log(`  ${failed} of the starts exited non-zero: see their output by running npm start`);
  if (figures.testFast !== undefined) {
    console.log(`  npm run test:fast (all but the whole drills, one sample): ${(figures.testFast.totalMs / 1000).toFixed(0)} s, exit ${figures.testFast.exitCode}`);
  }
  if (figures.npmTest !== undefined) {
    console.log(`  npm test (type check and every test, one sample): ${(figures.npmTest.totalMs / 1000).toFixed(0)} s, exit ${figures.npmTest.exitCode} (aim ≤ 30 s)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printFeedback(await measureFeedback(REPEATS, process.argv.includes('--npm-test')));
}
