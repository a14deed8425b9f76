// `npm run bench`: runs the project's benchmarks in turn; each prints its figures as a table.
// Figures, not tests: nothing is asserted. Comparisons are measured side by side in this run.
import { benchApiCalls } from './api-calls.ts';
import { benchDrsLocal } from './drs-local.ts';
import { benchOverhead } from './overhead.ts';

const started = performance.now();
await benchOverhead();
await benchApiCalls();
console.log('\nLocal DRS service');
await benchDrsLocal();
console.log(`\nnpm run bench: ${((performance.now() - started) / 1000).toFixed(0)} s wall`);
