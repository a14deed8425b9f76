// The catalogue of progress events: every detail-type a run publishes, with its detail's schema.
// The producer is typed by it, the README's event table lists it (a test checks both ways), and
// the end-to-end tests parse every event the handlers publish with it.
import * as z from 'zod/mini';
import { EVENT_SOURCE } from '#shared/events/definition.ts';
import { ActionCompleted } from './action-completed.ts';
import { ApprovalRequested } from './approval-requested.ts';
import { CleanUpCompleted } from './clean-up-completed.ts';
import { OrphansSwept } from './orphans-swept.ts';
import { RunFailed } from './run-failed.ts';
import { RunStarted } from './run-started.ts';
import { RunSucceeded } from './run-succeeded.ts';
import { WaveCompleted } from './wave-completed.ts';
import { WaveFailed } from './wave-failed.ts';
import { WaveStarted } from './wave-started.ts';

/** Every detail-type, in the order a run publishes them; then the sweeper's, which belongs to no run. */
export const PROGRESS_EVENTS = [RunStarted, ApprovalRequested, ActionCompleted, WaveStarted, WaveCompleted, WaveFailed, CleanUpCompleted, RunSucceeded, RunFailed, OrphansSwept] as const;

type Definition = (typeof PROGRESS_EVENTS)[number];

export type ProgressEventType = Definition['name'];

/** The detail of a detail-type (of either, for a union of them). */
export type ProgressDetail<Type extends ProgressEventType> = z.infer<Extract<Definition, { name: Type }>['detail']>;

/** Every field some variant (recovery or failback) of a detail has. */
type FieldOf<Detail> = Detail extends unknown ? keyof Detail : never;

/**
 * A detail as given, with every field its schema does not list typed `never`: structural typing
 * alone would let an undocumented field through to the users' rules.
 */
export type ExactDetail<Given, Type extends ProgressEventType> = Given & Record<Exclude<keyof Given, FieldOf<ProgressDetail<Type>>>, never>;

/** A progress event in EventBridge's envelope, as the local events file holds it, one a line. */
export interface ProgressEventOf<Type extends ProgressEventType> {
  source: typeof EVENT_SOURCE;
  'detail-type': Type;
  time: string;
  detail: ProgressDetail<Type>;
}

/** Any progress event: `detail-type` tells which detail it carries. */
export type ProgressEvent = { [Type in ProgressEventType]: ProgressEventOf<Type> }[ProgressEventType];

const Envelope = z.object({ source: z.literal(EVENT_SOURCE), 'detail-type': z.string(), time: z.string(), detail: z.unknown() });

/** The catalogue entry of a detail-type, or undefined for one the catalogue does not know. */
export function progressEventDefinition(type: string): Definition | undefined {
  return PROGRESS_EVENTS.find((definition) => definition.name === type);
}

/**
 * Checks an event against the catalogue: a known detail-type of this source, its detail exactly as
 * its schema says (no field missing, none extra). Throws naming the detail-type and the fields.
 */
export function parseProgressEvent(event: unknown): ProgressEvent {
  const envelope = z.safeParse(Envelope, event);
  if (!envelope.success) throw new Error(`not a progress event of ${EVENT_SOURCE}:\n${z.prettifyError(envelope.error)}`);
  const type = envelope.data['detail-type'];
  const definition = progressEventDefinition(type);
  if (definition === undefined) throw new Error(`"${type}" is not in the catalogue of progress events (shared/events/catalogue/)`);
  const detail = z.safeParse(definition.detail, envelope.data.detail);
  if (!detail.success) throw new Error(`"${type}" event does not match its schema:\n${z.prettifyError(detail.error)}`);
  // TypeScript cannot pair the definition's name with its detail's type; the parse above did.
  return { ...envelope.data, 'detail-type': definition.name, detail: detail.data } as ProgressEvent;
}
