// RunWaveActions: one round of the wave's actions (before or after it): invoke a function, or start
// or poll an SSM Automation; each ended action is published as Action Completed.
import * as z from 'zod/mini';
import { actionPorts } from '#shared/aws/actions.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { actionLedger } from '#shared/aws/lock-table.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { runWaveActions } from '#shared/actions/run.ts';
import { serversAfterWave, serversBeforeWave } from '#shared/actions/servers.ts';
import { runDetail } from '#shared/events/progress.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

const RunWaveActionsEvent = z.object({ state: z.required(RunState, { next: true }), now: z.string() });

export const handler = stepHandler(RunWaveActionsEvent, async ({ state, now }) => {
  const { run, next: front } = state;
  const plan = await loadDeployedPlan(run.plan);
  const drs = await drsForRun(run);
  const servers = async () => {
    if (front.phase === 'after') {
      if (state.wave === undefined || state.wave.index !== front.index) throw new Error(`RunWaveActions after wave "${front.name}" needs the wave's state ($.wave)`);
      return serversAfterWave(state.wave, drs, homeRegion);
    }
    return serversBeforeWave(run, plan, front.index, drs, homeRegion);
  };
  const updated = await runWaveActions({ run, plan, front, now, servers }, { ...actionPorts(), ledger: actionLedger });
  for (const result of (updated.results ?? []).slice(front.results?.length ?? 0)) {
    const { name, startedAt: _startedAt, endedAt: _endedAt, ...fields } = result;
    await publishProgress('Action Completed', runDetail(run, { wave: front.name, action: name, ...fields }));
  }
  return updated;
});
