// ExtendSourceServers: before a wave, the staging servers it recovers become source servers of
// its target accounts (CreateExtendedSourceServer), idempotently.
import { drsForRun } from '#shared/aws/run-drs.ts';
import type { ScopedDrsPort } from '#shared/drs/fleet.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { extendForWave } from '#shared/recovery/extension.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async (state) => {
  const drs = await drsForRun(state.run);
  // Only runs with staging accounts come here (the state machine's HasStagingAccounts), and those
  // always get a port per scope.
  const ports = 'scopes' in drs ? (drs as ScopedDrsPort).scopes : new Map();
  return extendForWave(state, await loadDeployedPlan(state.run.plan), ports);
});
