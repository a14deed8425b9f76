// ReleasePlanLock: the run's last step gives its plan back (and the stopped-run workflow does, for
// the execution it cleaned up after). Only the holder's own lock is ever deleted.
import * as z from 'zod/mini';
import { planLockTable } from '#shared/aws/lock-table.ts';
import { releasePlanLock } from '#shared/lock/plan-lock.ts';
import { stepHandler } from '#shared/step.ts';

const ReleasePlanLockEvent = z.object({ plan: z.string(), executionArn: z.string() });

export const handler = stepHandler(ReleasePlanLockEvent, (request) => releasePlanLock(request, planLockTable));
