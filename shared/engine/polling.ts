// Adaptive polling: poll often while things change, back off while nothing does. A wave hand-off
// is seen soon after it happens (servers finish close together, so progress resets the interval),
// and a long stuck wait costs few history events (Step Functions caps an execution at 25,000).
import * as z from 'zod/mini';

export const POLL = {
  minSeconds: 15,
  maxSeconds: 120,
  growth: 1.5,
} as const;

/** The next wait: back to the minimum when the last poll saw progress, else longer. */
export function nextPollSeconds(previousSeconds: number, progressed: boolean): number {
  if (progressed) return POLL.minSeconds;
  return Math.min(POLL.maxSeconds, Math.ceil(previousSeconds * POLL.growth));
}

/**
 * What every poll loop keeps between rounds: the next wait, the waiting done so far, and what
 * the last round saw (a progress signature: counts joined, so a change is progress).
 */
export const PollState = {
  pollSeconds: z.int(),
  waitedSeconds: z.number(),
  progressSignature: z.string(),
};
export type PollState = { pollSeconds: number; waitedSeconds: number; progressSignature: string };

/** A loop's first round: nothing waited yet, the next poll soon. */
export function firstPoll(progressSignature = ''): PollState {
  return { pollSeconds: POLL.minSeconds, waitedSeconds: 0, progressSignature };
}

/**
 * The round after `previous`, which waited `previous.pollSeconds` and now sees `signature`; or,
 * when the caller knows it (a wait an event may cut short, or its fallback longer than the poll
 * interval), how long the loop has waited in all.
 */
export function nextPoll(previous: PollState, signature: string, waitedSeconds = previous.waitedSeconds + previous.pollSeconds): PollState {
  return {
    waitedSeconds,
    pollSeconds: nextPollSeconds(previous.pollSeconds, signature !== previous.progressSignature),
    progressSignature: signature,
  };
}
