// A wave's effective settings: its own, else its plan's defaults, else the built-in ones.
import type { SnapshotChoice } from './common.ts';
import type { Plan, Wave } from './schema.ts';

/** The settings of one wave once plan defaults and built-in defaults are applied. */
export interface ResolvedWaveSettings {
  snapshot: SnapshotChoice;
  waitForPostLaunchActions: boolean;
  failureBudget: number;
  timeoutMinutes: number;
  pauseAfterMinutes: number;
  ssmAgentTimeoutMinutes: number;
}

export const BUILT_IN_WAVE_DEFAULTS: ResolvedWaveSettings = {
  snapshot: 'latest',
  waitForPostLaunchActions: true,
  failureBudget: 0,
  timeoutMinutes: 120,
  pauseAfterMinutes: 0,
  ssmAgentTimeoutMinutes: 10,
};

/** A wave's settings: its own, else the plan's defaults, else the built-in ones. */
export function resolveWaveSettings(plan: Plan, wave: Wave): ResolvedWaveSettings {
  const pick = <K extends keyof ResolvedWaveSettings>(key: K): ResolvedWaveSettings[K] =>
    (wave[key] ?? plan.defaults?.[key] ?? BUILT_IN_WAVE_DEFAULTS[key]) as ResolvedWaveSettings[K];
  return {
    snapshot: pick('snapshot'),
    waitForPostLaunchActions: pick('waitForPostLaunchActions'),
    failureBudget: pick('failureBudget'),
    timeoutMinutes: pick('timeoutMinutes'),
    pauseAfterMinutes: pick('pauseAfterMinutes'),
    ssmAgentTimeoutMinutes: pick('ssmAgentTimeoutMinutes'),
  };
}
