// `npm run bench`: runs the project's benchmarks in turn; each prints its figures as a table.
// Figures, not tests: nothing is asserted. Comparisons are measured side by side in this run.
// The 3,000-server drill runs once and serves both the scale figures and the API-call counts.
// The multi-account drills run once each here (3,000 and 6,000 servers, about 1.5 minutes);
// `npx tsx bench/multi-account.ts` repeats them for the spread of wall times.
import { benchApiCalls } from './api-calls.ts';
import { benchColdStart } from './cold-start.ts';
import { benchDrsLocal } from './drs-local.ts';
import { benchMultiAccount } from './multi-account.ts';
import { benchOverhead } from './overhead.ts';
import { measureDayLong, measureScale, printScale } from './scale.ts';

const started = performance.now();
// Scale first, in a fresh process: its peak memory is not inflated by earlier runs' garbage.
const scale = await measureScale();
await benchOverhead();
await benchApiCalls({ 3000: scale.apiCalls });
printScale(scale, await measureDayLong());
await benchColdStart();
await benchMultiAccount(1);
console.log('\nLocal DRS service (bench/drs-local.ts)');
await benchDrsLocal();
console.log(`\nnpm run bench: ${((performance.now() - started) / 1000).toFixed(0)} s wall`);
