// The detail of Run Succeeded and Run Failed: how the run ended and where its report is
// (WriteReport). One schema for both: the detail-type is what rules route on.
import * as z from 'zod/mini';
import { FailbackRunDetail, RecoveryRunDetail } from './run-detail.ts';

const ended = {
  /** ABORTED, TIMED_OUT: stopped from outside (the console, the state machine's timeout); cleaned up after. REJECTED, NOT_APPROVED: an approval gate said no, or nobody decided in time. */
  status: z.enum(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT', 'REJECTED', 'NOT_APPROVED']),
  /** The error name that stopped the run, and why, naming the wave, the servers and the reason. */
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
  /** Where the JSON and Markdown reports are (s3:// on AWS, a path locally). */
  report: z.string(),
  summary: z.string(),
};

export const RunEndedDetail = z.discriminatedUnion('mode', [
  z.extend(RecoveryRunDetail, {
    ...ended,
    html: z.string(),
    /** Achieved RTO and RPO against the plan's targets; seconds only when achieved at all. */
    rtoSeconds: z.optional(z.number()),
    rtoMet: z.boolean(),
    rpoSeconds: z.optional(z.number()),
    rpoMet: z.boolean(),
  }),
  z.extend(FailbackRunDetail, ended),
]);
