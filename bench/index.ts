// Runs the project's benchmarks in turn; each prints its own figures.
import { benchDrsLocal } from './drs-local.ts';

await benchDrsLocal();
