// What a progress event is: a detail-type (its name), the source every event of this deployment
// carries, a version and the detail's schema; one file each in catalogue/. No schema is built
// here: the producer reads its source from this module at every handler's cold start.
import type * as z from 'zod/mini';

/** The `source` of every progress event; the rules users write match on it. */
export const EVENT_SOURCE = 'drs-orchestrator';

/** One detail-type of the catalogue. */
export interface ProgressEventDefinition<Name extends string, Detail extends z.ZodMiniType> {
  /** The detail-type, as EventBridge rules match it. */
  name: Name;
  source: typeof EVENT_SOURCE;
  /** Raised when a field is removed, renamed or changes its type: the rules users wrote depend on them. */
  version: number;
  detail: Detail;
}

/** Defines a detail-type of this deployment's source. */
export function progressEvent<const Name extends string, Detail extends z.ZodMiniType>(definition: {
  name: Name;
  version: number;
  detail: Detail;
}): ProgressEventDefinition<Name, Detail> {
  return { ...definition, source: EVENT_SOURCE };
}
