// A run as ValidateInput makes it, for unit tests: a drill of plan `shop` unless told otherwise.
import type { Run } from '#shared/recovery/state.ts';

export function testRun(overrides: Partial<Run> = {}): Run {
  const mode = overrides.mode ?? 'drill';
  return {
    plan: 'shop',
    mode,
    isDrill: mode === 'drill',
    execution: 'exec-1',
    startedAt: '2026-01-01T00:00:00Z',
    waves: ['db', 'web'],
    targets: { rtoMinutes: 60, rpoMinutes: 15 },
    sourceNetworks: 0,
    skipCleanup: false,
    holdSeconds: 0,
    ...overrides,
  };
}
