// A wave's effective settings: its own, else its plan's defaults, else the built-in ones.
import type { SnapshotChoice } from './common.ts';
import type { Plan, Wave } from './schema.ts';
import { selectorsOf } from './selectors.ts';
import { counted, plural } from '#shared/words.ts';

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

/**
 * The warning for a wave whose failure budget lets every one of its servers fail: it would
 * complete, and the plan go on, with none of them recovered. Undefined when the budget is below
 * the server count (or the wave has no server: preflight names that as a problem).
 */
export function wholeWaveBudgetWarning(wave: string, serverCount: number, failureBudget: number): string | undefined {
  if (serverCount === 0 || failureBudget < serverCount) return undefined;
  return `wave "${wave}" has ${counted(serverCount, 'server')} and failureBudget ${failureBudget}: ${plural(serverCount, 'it', 'every one of them')} may fail and the wave still "succeeds", with nothing recovered (set failureBudget below ${serverCount})`;
}

/**
 * The whole-wave budget warnings the plan alone can tell: waves whose selectors are only explicit
 * `ids` (tags and hostnames match what DRS holds, known at preflight). The plan schema refuses an
 * ID listed twice, so the count of IDs is the count of servers.
 */
export function staticBudgetWarnings(plan: Plan): string[] {
  return plan.waves.flatMap((wave) => {
    const selectors = selectorsOf(wave);
    if (selectors.some((selector) => selector.tags !== undefined || selector.hostnames !== undefined)) return [];
    const ids = selectors.reduce((count, selector) => count + (selector.ids?.length ?? 0), 0);
    const warning = wholeWaveBudgetWarning(wave.name, ids, resolveWaveSettings(plan, wave).failureBudget);
    return warning === undefined ? [] : [warning];
  });
}
