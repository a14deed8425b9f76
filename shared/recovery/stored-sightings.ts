// The completed waves' sightings out of the workflow's state: CompleteWave stores each wave's in
// the lock table, WriteReport reads them back. The state then stays the same size whatever the
// number of servers (bench/linear.ts: 65.9 KiB at 10,000 servers with them in it).
import { MAX_RUN_SECONDS } from '#shared/lock/plan-lock.ts';
import type { WaveSightings } from '#shared/lock/wave-sightings.ts';
import type { Run, RunState, WaveState } from './state.ts';

/** What a run keeps in the lock table outlives the longest run (a week, the plan lock's bound) by a day (epoch seconds). */
export function keptUntil(run: Run): number {
  return Math.floor(Date.parse(run.startedAt) / 1000) + MAX_RUN_SECONDS + 86_400;
}

/** Stores the finished wave's sightings; a retried step writes the same item again. */
export async function storeSightings(run: Run, wave: WaveState, store: WaveSightings): Promise<void> {
  if (wave.sightings !== undefined) await store.put(run.execution, wave.index, wave.sightings, keptUntil(run));
}

/** The run's state with its completed waves' sightings back from the store, for the report. */
export async function withStoredSightings(state: RunState, store: WaveSightings): Promise<RunState> {
  const completed = state.completed ?? [];
  const missing = completed.flatMap((wave, index) => (wave.sightings === undefined ? [index] : []));
  if (missing.length === 0) return state;
  const stored = await store.get(state.run.execution, missing);
  return { ...state, completed: completed.map((wave, index) => (wave.sightings === undefined && stored.has(index) ? { ...wave, sightings: stored.get(index) } : wave)) };
}
