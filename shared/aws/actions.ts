// The action steps' AWS: Lambda (lambda-actions.ts) to invoke a plan's functions, SSM
// (ssm-actions.ts) to run its Automation documents; AUTOMATION_ROLE_ARN is the role automations
// assume (the only one the orchestrator may pass). Each client is loaded the first time a step
// needs it (a chunk of its own in the bundle): a plan with only automations never initialises
// the Lambda client at a cold start, nor one with only functions the SSM client.
import type { ActionPorts, LambdaPort, SsmPort } from '#shared/actions/ports.ts';
import { optionalEnv } from '#shared/config.ts';

const lambda = () => import('./lambda-actions.ts').then((module) => module.lambdaPort);
const ssm = () => import('./ssm-actions.ts').then((module) => module.ssmPort);

const lambdaPort: LambdaPort = {
  invoke: async (...call) => (await lambda()).invoke(...call),
  check: async (...call) => (await lambda()).check(...call),
};

const ssmPort: SsmPort = {
  start: async (...call) => (await ssm()).start(...call),
  get: async (...call) => (await ssm()).get(...call),
  stop: async (...call) => (await ssm()).stop(...call),
  describeDocument: async (...call) => (await ssm()).describeDocument(...call),
};

/** The Lambda and SSM ports, and the automation role the stage configured. */
export function actionPorts(): Omit<ActionPorts, 'ledger'> {
  const automationRoleArn = optionalEnv('AUTOMATION_ROLE_ARN');
  return { lambda: lambdaPort, ssm: ssmPort, ...(automationRoleArn === undefined ? {} : { automationRoleArn }) };
}
