// `npm run bench`: runs the project's benchmarks in turn; each prints its figures as a table.
// Figures, not tests: nothing is asserted. Comparisons are measured side by side in this run.
// Simulated figures (speed 0) are exact and taken once; wall-clock figures are taken
// BENCH_REPEATS times (default 3) and print as min / median / max. The 3,000-server drill runs
// once and serves both the scale figures and the API-call counts. BENCH_FULL=1 adds the long ones:
// the cost against servers to 10,000 (bench/linear.ts) and the test commands' times
// (bench/feedback.ts --npm-test): about 8½ minutes in all on 2 cores, 4 without them.
import { benchApiCalls } from './api-calls.ts';
import { benchColdStart } from './cold-start.ts';
import { benchDrsLocal } from './drs-local.ts';
import { measureFeedback, printFeedback } from './feedback.ts';
import { benchLinear } from './linear.ts';
import { benchHandoff } from './handoff.ts';
import { benchMultiAccount } from './multi-account.ts';
import { benchOverhead } from './overhead.ts';
import { benchQuota } from './quota.ts';
import { measureDayLong, measureScale, printScale } from './scale.ts';
import { REPEATS } from './support.ts';

const started = performance.now();
console.log(`npm run bench: every wall-clock figure taken ${REPEATS} time${REPEATS === 1 ? '' : 's'} (BENCH_REPEATS), shown as min / median / max`);
// Scale first, in a fresh process: its peak memory is not inflated by earlier runs' garbage.
const scale = await measureScale();
await benchOverhead();
await benchHandoff();
await benchApiCalls({ 3000: scale.apiCalls });
printScale(scale, await measureDayLong());
await benchColdStart();
await benchMultiAccount(REPEATS);
await benchQuota();
console.log('\nLocal DRS service (bench/drs-local.ts)');
await benchDrsLocal();
const full = process.env.BENCH_FULL === '1';
printFeedback(await measureFeedback(REPEATS, full));
// Last: its peak memory is read in a process that has run everything else (bench/linear.ts alone, with
// --expose-gc, for memory figures).
if (full) await benchLinear(REPEATS);
console.log(`\nnpm run bench: ${((performance.now() - started) / 1000).toFixed(0)} s in all (one run of the whole, for planning)`);
