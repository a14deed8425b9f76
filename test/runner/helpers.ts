// Shared test setup for the runner: fixture paths and a stand-in for the local DRS service
// (the fixture workflow never calls DRS; the runner only needs its clock and identity).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalDrs } from '#local/runner/local-drs.ts';

export const fixturesDir = fileURLToPath(new URL('./fixtures', import.meta.url));
export const fixtureFunctionsDir = join(fixturesDir, 'functions');
export const countdownStateMachine = join(fixturesDir, 'countdown.asl.yaml');

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `drs-runner-${prefix}-`));
}

/** A local DRS service stand-in: a simulated clock running `speed` times faster than the wall clock. */
export function clockOnlyDrs(speed: number, epoch = new Date('2026-03-01T02:00:00Z')): LocalDrs & { stopped: boolean } {
  const realStart = Date.now();
  let advancedMs = 0;
  return {
    endpoint: 'http://127.0.0.1:9',
    region: 'eu-west-1',
    speed,
    stopped: false,
    now: () => new Date(epoch.getTime() + (Date.now() - realStart) * speed + advancedMs),
    advanceBy(seconds) {
      advancedMs += seconds * 1000;
    },
    state: () => ({ sourceServers: [], jobs: [], recoveryInstances: [] }),
    countCalls: () => 0,
    async stop() {
      this.stopped = true;
    },
  };
}
