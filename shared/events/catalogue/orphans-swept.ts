// Orphans Swept: the orphan sweeper ran (the sweep function, on its schedule or by hand). It
// belongs to no run: its detail carries no plan, mode or execution, only what the sweep counted.
// Orphans found cost money until terminated; the OrphansFound alarm says so too.
import * as z from 'zod/mini';
import { progressEvent } from '#shared/events/definition.ts';
import '#shared/zod-locale.ts';

export const OrphansSwept = progressEvent({
  name: 'Orphans Swept',
  version: 1,
  detail: z.strictObject({
    dryRun: z.boolean(),
    found: z.int(),
    terminated: z.int(),
    leftRunning: z.int(),
    unknownListed: z.int(),
    failed: z.int(),
  }),
});
