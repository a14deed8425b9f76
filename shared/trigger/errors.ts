// Trigger errors: thrown (never returned) so the invocation fails visibly and the event goes to the
// rule's or the schedule's dead-letter queue instead of vanishing.

/** An alarm event for an alarm no trigger of this stage names: nothing was started. */
export class UnknownAlarmError extends Error {
  override name = 'UnknownAlarmError';
}

/** A trigger names a plan this stage does not deploy: nothing was started. */
export class UnknownPlanError extends Error {
  override name = 'UnknownPlanError';
}

/** The trigger's input is neither a documented schedule payload nor an alarm state change. */
export class InvalidTriggerEventError extends Error {
  override name = 'InvalidTriggerEventError';
}

/** A stage configuration that does not parse or does not match the schema. */
export class InvalidStageConfigError extends Error {
  override name = 'InvalidStageConfigError';
}
