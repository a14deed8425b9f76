// What a scenario says about CloudFormation (its `cloudFormation:` block, beside the local DRS
// service's own keys): stacks that exist before the run (e.g. the network stack a previous recovery
// deployed), how long a deletion takes, and faults. One strict zod schema: an unknown key is an
// error naming the field, as in every other part of a scenario.
import { z } from 'zod';

/** CloudFormation's stack name rule (CreateStack: StackName, 1-128, a letter then letters, digits, dashes). */
export const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
const stackName = z.string().regex(STACK_NAME, 'a stack name starts with a letter and holds up to 128 letters, digits and dashes');
const accountId = z.string({ error: 'an account ID is a 12-digit string (quote it in YAML: "111122223333")' }).regex(/^\d{12}$/, 'an account ID is 12 digits');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region looks like us-east-1');

/** Where a stack lives; default: the account and Region the service was started for (the DRS scenario's). */
const placement = { account: accountId.optional(), region: region.optional() };

/** The settled states a stack can be declared in. */
export const DECLARABLE_STATUSES = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'DELETE_FAILED'] as const;

const stackSchema = z.strictObject({
  name: stackName,
  ...placement,
  status: z.enum(DECLARABLE_STATUSES).default('CREATE_COMPLETE'),
  /** Default: a day before the service's clock at start. */
  createdAt: z.iso.datetime({ offset: true }).optional(),
  description: z.string().max(1024).optional(),
  tags: z.record(z.string(), z.string()).default({}),
  outputs: z.record(z.string(), z.string()).default({}),
});

export const faultSchema = z.discriminatedUnion('type', [
  /** Deleting this stack ends DELETE_FAILED with `reason`: every attempt, or the first `times`. */
  z.strictObject({
    type: z.literal('deleteFailure'),
    stackName,
    ...placement,
    reason: z.string().min(1).default('The following resource(s) failed to delete: [VPC]. '),
    times: z.number().int().positive().optional(),
  }),
]);
export type Fault = z.input<typeof faultSchema>;
export type ParsedFault = z.output<typeof faultSchema>;

export const cloudFormationScenarioSchema = z
  .strictObject({
    /** How long a DeleteStack takes, in the service's (simulated) seconds: a VPC stack's resources go in a minute or two. */
    deleteSeconds: z.number().nonnegative().default(120),
    stacks: z.array(stackSchema).default([]),
    faults: z.array(faultSchema).default([]),
  })
  .prefault({});

export type CloudFormationScenario = z.input<typeof cloudFormationScenarioSchema>;
export type ParsedCloudFormationScenario = z.output<typeof cloudFormationScenarioSchema>;

export class CloudFormationScenarioError extends Error {
  override name = 'CloudFormationScenarioError';
}

/** Validates a `cloudFormation:` block; the message names each wrong field (`cloudFormation.stacks.0.name: …`). */
export function parseCloudFormationScenario(block: unknown, source = 'cloudFormation'): ParsedCloudFormationScenario {
  const result = cloudFormationScenarioSchema.safeParse(block ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${[source, ...issue.path].join('.')}: ${issue.message}`);
  throw new CloudFormationScenarioError(`invalid ${source}:\n- ${lines.join('\n- ')}`);
}
