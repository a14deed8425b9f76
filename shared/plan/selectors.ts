// A wave's server selectors as the steps use them. A module without schemas: the steps that
// resolve servers (StartWave, and Preflight) must not build the plan schema at cold start.
import type { ServerSelector, Wave } from './schema.ts';

/** A wave's selectors, each with the wave's account and Region unless it names its own. */
export function selectorsOf(wave: Wave): ServerSelector[] {
  const selectors = Array.isArray(wave.servers) ? wave.servers : [wave.servers];
  return selectors.map((selector) => ({ ...selector, account: selector.account ?? wave.account, region: selector.region ?? wave.region }));
}
