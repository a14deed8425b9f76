// Adaptive polling: poll often while things change, back off while nothing does. A wave hand-off
// is seen soon after it happens (servers finish close together, so progress resets the interval),
// and a long stuck wait costs few history events (Step Functions caps an execution at 25,000).
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
