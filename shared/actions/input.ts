// What an action step receives: the documented contract between the orchestrator and the Lambda
// functions (and SSM Automation documents) a plan runs before or after a wave. The orchestrator
// builds it; an action (the shipped DNS switch, a customer's function) parses it with this schema.
import * as z from 'zod/mini';

/** One server of the wave, as an action sees it; the instance fields exist once it was recovered. */
export const ActionServer = z.object({
  sourceServerId: z.string().check(z.describe('The DRS source server ID (s-…).')),
  hostname: z.optional(z.string()).check(z.describe('The hostname (or FQDN) DRS identified the source server with.')),
  account: z.string().check(z.describe('The 12-digit account the server is recovered in.')),
  region: z.string().check(z.describe('The Region the server is recovered in.')),
  recoveryInstanceId: z.optional(z.string()).check(z.describe('The DRS recovery instance ID (i-…), after the wave launched it.')),
  ec2InstanceId: z.optional(z.string()).check(z.describe('The EC2 instance ID of the recovery instance.')),
  privateIp: z.optional(z.string()).check(z.describe("The recovery instance's private IPv4 address.")),
  tags: z.record(z.string(), z.string()).check(z.describe("The source server's DRS tags.")),
});
export type ActionServer = z.infer<typeof ActionServer>;

/** The event a Lambda action is invoked with (and, flattened, what an SSM Automation document may take). */
export const ActionInput = z.object({
  plan: z.string(),
  mode: z.enum(['drill', 'recovery']),
  /** The Step Functions execution name of the run. */
  execution: z.string(),
  wave: z.string(),
  /** `before`: the wave's servers are resolved but not launched (no instance fields); `after`: they are launched. */
  phase: z.enum(['before', 'after']),
  /** The action's name in the plan. */
  action: z.string(),
  /** The action's own settings from the plan (`parameters:` of a lambda action), passed through unchanged. */
  parameters: z.record(z.string(), z.unknown()),
  /** The same for every attempt of one action in one run: the key to make a function idempotent with. */
  idempotencyKey: z.string(),
  servers: z.array(ActionServer),
});
export type ActionInput = z.infer<typeof ActionInput>;
