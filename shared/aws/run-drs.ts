// The DRS a run's steps talk to. A run in one account gets the home Region's port; a
// multi-account run gets every account it recovers in as one (shared/aws/accounts.ts), loaded on
// first use so that a single-account run's steps never load the accounts' schemas, STS or the
// fleet at cold start.
import type { Scope } from '#shared/accounts/scope.ts';
import { drs } from '#shared/aws/drs.ts';
import type { ScopedDrsPort } from '#shared/drs/fleet.ts';
import type { FullDrsPort } from '#shared/drs/port.ts';

export async function drsForRun(run: { execution: string; scopes?: readonly Scope[] }): Promise<FullDrsPort | ScopedDrsPort> {
  if (run.scopes === undefined) return drs;
  const { fleetForRun } = await import('./accounts.ts');
  return fleetForRun({ execution: run.execution, scopes: run.scopes });
}
