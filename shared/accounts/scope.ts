// Where a wave recovers: an account (by its alias in the stage configuration) in a Region. No
// schema here: the polling steps use scopes and must not build the configuration's schemas.

/** An account of the configuration (by alias) in one of its Regions. */
export interface Scope {
  account: string;
  region: string;
}

/** The alias of the home account when the configuration names none. */
export const HOME_ALIAS = 'home';

/** `target-b@us-east-1`: a scope as a key (a run's ports, IDs routed to their account). */
export function scopeKey(scope: Scope): string {
  return `${scope.account}@${scope.region}`;
}
