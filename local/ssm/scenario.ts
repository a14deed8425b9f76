// What a scenario says about Systems Manager Automation (its `ssm:` block): the Automation
// documents (runbooks) each account and Region holds, the parameters they declare, and what an
// execution of each does — its outcome, how long it takes in the service's (simulated) seconds, its
// outputs and failure message — optionally one outcome per successive execution. One strict zod
// schema: an unknown key is an error naming the field, as in every other part of a scenario.
import { z } from 'zod';

/** SSM's document name rule (CreateDocument: Name, `^[a-zA-Z0-9_\-.]{3,128}$`). */
export const DOCUMENT_NAME = /^[a-zA-Z0-9_\-.]{3,128}$/;
/** AutomationParameterKey: 1-50 characters. */
const PARAMETER_NAME = /^[a-zA-Z0-9_.:-]{1,50}$/;
const accountId = z.string({ error: 'an account ID is a 12-digit string (quote it in YAML: "111122223333")' }).regex(/^\d{12}$/, 'an account ID is 12 digits');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region looks like us-east-1');

/** The outcomes an execution can be declared to reach by itself; Cancelled comes only from StopAutomationExecution. */
export const OUTCOMES = ['Success', 'Failed', 'TimedOut'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const outcome = z.enum(OUTCOMES, { error: 'an outcome is Success, Failed or TimedOut (Cancelled comes only from StopAutomationExecution)' });
/** Outputs as GetAutomationExecution shows them: `<step>.<output>` → values. */
const outputs = z.record(z.string().min(1), z.array(z.string()));

const parameterSchema = z.strictObject({
  name: z.string().regex(PARAMETER_NAME, 'a parameter name is 1-50 letters, digits and _ . : -'),
  /** DescribeDocument's DocumentParameterType. */
  type: z.enum(['String', 'StringList'], { error: 'a parameter type is String or StringList' }).default('String'),
  description: z.string().optional(),
  /** Without a default the parameter is required. A StringList's default may be a list. */
  default: z.union([z.string(), z.array(z.string())]).optional(),
});

/** One execution's behaviour, overriding the document's own. */
const runSchema = z.strictObject({
  outcome,
  durationSeconds: z.number().nonnegative().optional(),
  outputs: outputs.optional(),
  failureMessage: z.string().optional(),
});

const documentSchema = z
  .strictObject({
    name: z.string().regex(DOCUMENT_NAME, 'a document name is 3-128 letters, digits and _ - .'),
    /** Where the document lives; default: the account and Region the service was started for. */
    account: accountId.optional(),
    region: region.optional(),
    description: z.string().optional(),
    /** The document's (only) version: its DocumentVersion, LatestVersion and DefaultVersion. */
    version: z.string().regex(/^[1-9][0-9]*$/, 'a document version is a positive integer as a string ("1")').default('1'),
    parameters: z.array(parameterSchema).default([]),
    outcome: outcome.default('Success'),
    /** Simulated seconds from StartAutomationExecution to the outcome. */
    durationSeconds: z.number().nonnegative().default(60),
    /** Simulated seconds an execution stays Pending before InProgress (capped by durationSeconds). */
    pendingSeconds: z.number().nonnegative().default(1),
    outputs: outputs.default({}),
    /** FailureMessage of a Failed or TimedOut execution. */
    failureMessage: z.string().optional(),
    /** Successive executions' behaviour, in order (the first execution takes the first); then the document's own. */
    outcomes: z.array(runSchema).default([]),
  })
  .superRefine((document, context) => {
    const seen = new Set<string>();
    document.parameters.forEach((parameter, index) => {
      if (seen.has(parameter.name)) context.addIssue({ code: 'custom', path: ['parameters', index, 'name'], message: `parameter ${parameter.name} is declared twice` });
      seen.add(parameter.name);
      if (parameter.type === 'String' && Array.isArray(parameter.default)) {
        context.addIssue({ code: 'custom', path: ['parameters', index, 'default'], message: 'a String parameter\'s default is a string (make the type StringList for a list)' });
      }
    });
  });

export const ssmScenarioSchema = z
  .strictObject({
    documents: z.array(documentSchema).default([]),
    /** Simulated seconds a StopAutomationExecution takes: Cancelling, then Cancelled. */
    cancelSeconds: z.number().nonnegative().default(2),
  })
  .superRefine((block, context) => {
    const seen = new Set<string>();
    block.documents.forEach((document, index) => {
      const key = `${document.account ?? ''}/${document.region ?? ''}/${document.name}`;
      if (seen.has(key)) context.addIssue({ code: 'custom', path: ['documents', index, 'name'], message: `document ${document.name} is declared twice for the same account and Region` });
      seen.add(key);
    });
  })
  .prefault({});

export type SsmScenario = z.input<typeof ssmScenarioSchema>;
export type ParsedSsmScenario = z.output<typeof ssmScenarioSchema>;
/** One document as a scenario declares it. */
export type SsmDocument = z.input<typeof documentSchema>;
export type ParsedDocument = ParsedSsmScenario['documents'][number];
export type ParsedParameter = ParsedDocument['parameters'][number];
export type ParsedRun = ParsedDocument['outcomes'][number];

export class SsmScenarioError extends Error {
  override name = 'SsmScenarioError';
}

/** Validates an `ssm:` block; the message names each wrong field (`ssm.documents.0.outcome: …`). */
export function parseSsmScenario(block: unknown, source = 'ssm'): ParsedSsmScenario {
  const result = ssmScenarioSchema.safeParse(block ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const where = [source, ...issue.path].join('.');
    // zod words an unknown key as "Unrecognized key: \"x\""; say what to do about it.
    if (issue.code === 'unrecognized_keys') return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling (see local/ssm/README.md for the keys)`;
    return `${where}: ${issue.message}`;
  });
  throw new SsmScenarioError(`invalid ${source}:\n- ${lines.join('\n- ')}`);
}
