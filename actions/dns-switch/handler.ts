// The DNS switch action's Lambda handler: parse the orchestrator's action input and this action's
// parameters, switch the records (switch.ts) with a Route 53 client made once per container.
import { Route53Client } from '@aws-sdk/client-route-53';
import { ActionInput } from '#shared/actions/input.ts';
import { DnsSwitchError, parseDnsSwitchParameters, pollIntervalMsFrom, realWaiting, switchDns, type DnsSwitchResult } from './switch.ts';

/** Route 53 is global: its endpoint signs for us-east-1. ROUTE53_ENDPOINT points it elsewhere (the local stand-in). */
const route53 = new Route53Client(process.env.ROUTE53_ENDPOINT ? { endpoint: process.env.ROUTE53_ENDPOINT, region: 'us-east-1' } : {});
/** A bad POLL_INTERVAL_SECONDS fails the function's init, naming the variable and the fix. */
const waiting = { ...realWaiting, pollIntervalMs: pollIntervalMsFrom(process.env) };

/** Invoked by the orchestrator after a wave with the documented action input; returns the switched records. */
export async function handler(event: unknown): Promise<DnsSwitchResult> {
  const parsed = ActionInput.safeParse(event);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${['event', ...issue.path].join('.')}: ${issue.message}`);
    throw new DnsSwitchError(`not an action input (shared/actions/input.ts):\n- ${lines.join('\n- ')}`);
  }
  return switchDns(parsed.data, parseDnsSwitchParameters(parsed.data.parameters), route53, waiting);
}
