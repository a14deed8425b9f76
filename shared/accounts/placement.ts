// Where a run recovers: each wave's selectors placed in an account and Region of the stage
// configuration. Recovery and failback runs both carry the result (RunScopes).
import { InvalidPlanError } from '#shared/errors.ts';
export { RunScopes } from './state.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { selectorsOf } from '#shared/plan/selectors.ts';
import { type AccountsConfig, accountOf, resolveScope, type Scope, scopeKey, stagingAccountIDsOf } from './config.ts';

/** Where the run recovers, given the stage configuration's accounts and the home Region. */
export interface Deployment {
  accounts: AccountsConfig;
  homeRegion: string;
}

export interface Placement {
  scopes?: Array<Scope & { stagingAccounts?: string[] }>;
  extendsServers?: true;
  placements?: number[][];
}

/**
 * The scopes (account and Region) the run's waves recover in, and each selector's. A plan that
 * names no account, in a deployment whose home account extends no staging servers, gets neither:
 * its state stays as small as before multi-account. An account the stage configuration does not
 * declare (or cannot recover in) is a plan problem, named by its field.
 */
export function placeWaves(plan: Plan, waves: readonly string[], { accounts, homeRegion }: Deployment): Placement {
  const scopes: Array<Scope & { stagingAccounts?: string[] }> = [];
  const problems: string[] = [];
  const placements = waves.map((name) => {
    const index = plan.waves.findIndex((wave) => wave.name === name);
    const wave = plan.waves[index];
    return selectorsOf(wave).map((selector, selectorIndex) => {
      const scope = resolveScope(accounts, homeRegion, selector);
      if (typeof scope === 'string') {
        const field = Array.isArray(wave.servers) ? `waves[${index}].servers[${selectorIndex}].account` : `waves[${index}].account`;
        problems.push(`${field}: ${scope}`);
        return -1;
      }
      const known = scopes.findIndex((candidate) => scopeKey(candidate) === scopeKey(scope));
      if (known >= 0) return known;
      const stagingAccounts = stagingAccountIDsOf(accounts, accountOf(accounts, scope));
      scopes.push(stagingAccounts === undefined ? scope : { ...scope, stagingAccounts });
      return scopes.length - 1;
    });
  });
  if (problems.length > 0) throw new InvalidPlanError(`plan "${plan.name}" names accounts the stage configuration does not offer:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  const home = scopes.length === 1 && scopes[0].stagingAccounts === undefined && scopes[0].region === homeRegion && accountOf(accounts, scopes[0])?.roleArn === undefined;
  if (home) return {};
  return scopes.some((scope) => (scope.stagingAccounts ?? []).length > 0) ? { scopes, placements, extendsServers: true } : { scopes, placements };
}
