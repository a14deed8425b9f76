// The envelope every event EventBridge delivers to a rule's target has.
import * as z from 'zod/mini';

/**
 * Powertools' EventBridgeSchema, in zod/mini: the Powertools one is built with classic zod, whose
 * whole API would load with it at every cold start of the functions EventBridge invokes.
 */
export const EventBridgeEnvelope = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});
