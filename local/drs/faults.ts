// Fault injection: the same shapes at run time (injectFault, POST /_local/faults) and in a
// scenario's `faults` list. Request faults (throttle, rateLimit, serverError) are decided before
// an operation runs, lostResponse after it ran; the others change how the simulation unfolds.
import { z } from 'zod';
import { internalServerError, throttlingError, type DrsError } from './errors.ts';
import { strictBlock } from './strict.ts';

/** How a lost response reaches the client: a 500 after the fact, or a connection closed unanswered. */
const lostResponseHow = z.enum(['serverError', 'reset']);
export type LostResponseHow = z.infer<typeof lostResponseHow>;

const serverTarget = {
  sourceServerID: z.string().optional(),
  hostname: z.string().optional(),
};
const needsServer = (fault: { sourceServerID?: string; hostname?: string }) => Boolean(fault.sourceServerID ?? fault.hostname);
const serverMessage = { message: 'give sourceServerID or hostname' };

export const faultSchema = z.discriminatedUnion('type', [
  strictBlock('a launchFailure fault', {
    type: z.literal('launchFailure'),
    ...serverTarget,
    rawError: z.string().default('Failed to launch recovery instance: InsufficientInstanceCapacity'),
    /** How many launches fail; omitted = every launch of that server. */
    times: z.number().int().positive().optional(),
  }).refine(needsServer, serverMessage),
  strictBlock('a actionFailure fault', {
    type: z.literal('actionFailure'),
    ...serverTarget,
    actionName: z.string(),
    failureReason: z.string().default('Step failed: the SSM document returned a non-zero exit code'),
  }).refine(needsServer, serverMessage),
  strictBlock('a throttle fault', {
    type: z.literal('throttle'),
    operations: z.array(z.string()).optional(),
    count: z.number().int().positive(),
    retryAfterSeconds: z.number().int().positive().default(1),
  }),
  strictBlock('a rateLimit fault', {
    type: z.literal('rateLimit'),
    operations: z.array(z.string()).optional(),
    perSecond: z.number().positive(),
  }),
  strictBlock('a serverError fault', {
    type: z.literal('serverError'),
    operations: z.array(z.string()).optional(),
    count: z.number().int().positive(),
    status: z.union([z.literal(500), z.literal(503)]).default(500),
  }),
  strictBlock('a lostResponse fault', {
    type: z.literal('lostResponse'),
    operations: z.array(z.string()).optional(),
    count: z.number().int().positive(),
    how: lostResponseHow,
  }),
  strictBlock('a stallReplication fault', { type: z.literal('stallReplication'), ...serverTarget }).refine(needsServer, serverMessage),
  strictBlock('a failbackError fault', { type: z.literal('failbackError'), ...serverTarget }).refine(needsServer, serverMessage),
  strictBlock('a failbackNeverReady fault', { type: z.literal('failbackNeverReady'), ...serverTarget }).refine(needsServer, serverMessage),
  /** The instance launches but DRS never sees its SSM agent: no discovery time, no action runs. */
  strictBlock('a ssmAgentNeverDiscovered fault', { type: z.literal('ssmAgentNeverDiscovered'), ...serverTarget }).refine(needsServer, serverMessage),
  strictBlock('a networkFailure fault', { type: z.literal('networkFailure'), sourceNetworkID: z.string(), rawError: z.string().optional() }),
]);

export type Fault = z.input<typeof faultSchema>;
export type ParsedFault = z.output<typeof faultSchema>;

/** Request faults in force: bursts are consumed request by request; rate limits use the wall clock. */
export class RequestFaults {
  private throttles: { operations?: string[]; remaining: number; retryAfterSeconds: number }[] = [];
  private serverErrors: { operations?: string[]; remaining: number; status: 500 | 503 }[] = [];
  private rateLimits: { operations?: string[]; perSecond: number; windowStart: number; countInWindow: number }[] = [];
  private lostResponses: { operations?: string[]; remaining: number; how: LostResponseHow }[] = [];

  add(fault: ParsedFault): boolean {
    switch (fault.type) {
      case 'throttle':
        this.throttles.push({ operations: fault.operations, remaining: fault.count, retryAfterSeconds: fault.retryAfterSeconds });
        return true;
      case 'serverError':
        this.serverErrors.push({ operations: fault.operations, remaining: fault.count, status: fault.status });
        return true;
      case 'rateLimit':
        this.rateLimits.push({ operations: fault.operations, perSecond: fault.perSecond, windowStart: 0, countInWindow: 0 });
        return true;
      case 'lostResponse':
        this.lostResponses.push({ operations: fault.operations, remaining: fault.count, how: fault.how });
        return true;
      default:
        return false;
    }
  }

  clear(): void {
    this.throttles = [];
    this.serverErrors = [];
    this.rateLimits = [];
    this.lostResponses = [];
  }

  /** The error to answer instead of running `operation`, if a fault applies. */
  check(operation: string): DrsError | undefined {
    const applies = (operations?: string[]) => !operations || operations.includes(operation);
    const throttle = this.throttles.find((t) => t.remaining > 0 && applies(t.operations));
    if (throttle) {
      throttle.remaining--;
      return throttlingError(throttle.retryAfterSeconds);
    }
    const serverError = this.serverErrors.find((e) => e.remaining > 0 && applies(e.operations));
    if (serverError) {
      serverError.remaining--;
      return internalServerError(serverError.status);
    }
    const nowMs = Date.now();
    for (const limit of this.rateLimits) {
      if (!applies(limit.operations)) continue;
      if (nowMs - limit.windowStart >= 1000) {
        limit.windowStart = nowMs;
        limit.countInWindow = 0;
      }
      limit.countInWindow++;
      if (limit.countInWindow > limit.perSecond) return throttlingError(1);
    }
    this.throttles = this.throttles.filter((t) => t.remaining > 0);
    this.serverErrors = this.serverErrors.filter((e) => e.remaining > 0);
    return undefined;
  }

  /** Whether the response of `operation`, which has just run, is to be lost (and how). */
  takeLostResponse(operation: string): LostResponseHow | undefined {
    const lost = this.lostResponses.find((l) => l.remaining > 0 && (!l.operations || l.operations.includes(operation)));
    if (!lost) return undefined;
    lost.remaining--;
    this.lostResponses = this.lostResponses.filter((l) => l.remaining > 0);
    return lost.how;
  }
}
