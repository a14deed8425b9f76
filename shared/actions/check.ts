// Preflight of a plan's actions: every function exists, every document exists and gets the
// parameters it requires and no others, before anything is launched. A wrong action found at the
// third wave would stop a recovery half done.
import { appliesTo, type WaveAction } from '#shared/plan/actions.ts';
import type { Plan } from '#shared/plan/schema.ts';
import type { LambdaPort, SsmPort } from './ports.ts';

/** The actions of the run's waves that apply to its mode, with where the plan defines them. */
export function runActions(plan: Plan, waves: readonly string[], mode: string): Array<{ where: string; action: WaveAction }> {
  return plan.waves
    .filter((wave) => waves.includes(wave.name))
    .flatMap((wave) =>
      (['before', 'after'] as const).flatMap((phase) =>
        (wave[phase] ?? []).filter((action) => appliesTo(action, mode)).map((action) => ({ where: `wave "${wave.name}" ${phase} action "${action.name}"`, action })),
      ),
    );
}

/** Every problem of the run's actions, in the users' words; empty when all can run. */
export async function checkActions(
  actions: ReadonlyArray<{ where: string; action: WaveAction }>,
  ports: { lambda: LambdaPort; ssm: SsmPort; automationRoleArn?: string },
): Promise<string[]> {
  const problems = await Promise.all(
    actions.map(async ({ where, action }): Promise<string[]> => {
      if (action.lambda !== undefined) {
        const found = await ports.lambda.check(action.lambda.function);
        return found.ok ? [] : [`${where}: Lambda function ${action.lambda.function} ${found.reason}: deploy it, or fix \`lambda.function\` in the plan`];
      }
      const automation = action.ssmAutomation!;
      const declared = await ports.ssm.describeDocument(automation.document, automation.version);
      if (declared === undefined) {
        return [`${where}: SSM document ${automation.document}${automation.version ? ` version ${automation.version}` : ''} does not exist in this account and Region: create it, or fix \`ssmAutomation.document\``];
      }
      const given = new Set(Object.keys(automation.parameters ?? {}));
      if (ports.automationRoleArn !== undefined && declared.names.includes('AutomationAssumeRole')) given.add('AutomationAssumeRole');
      const found: string[] = [];
      const unknown = [...given].filter((name) => !declared.names.includes(name));
      if (unknown.length > 0) {
        found.push(`${where}: document ${automation.document} has no parameter ${unknown.join(', ')} (its parameters: ${declared.names.join(', ') || 'none'}): remove or rename it`);
      }
      const missing = declared.required.filter((name) => !given.has(name));
      if (missing.length > 0) found.push(`${where}: document ${automation.document} requires ${missing.join(', ')}: set it under \`ssmAutomation.parameters\``);
      const role = automation.parameters?.AutomationAssumeRole;
      if (role !== undefined && ports.automationRoleArn !== undefined && (Array.isArray(role) ? role : [role]).some((arn) => arn !== ports.automationRoleArn)) {
        found.push(`${where}: AutomationAssumeRole must be the stage's automation role ${ports.automationRoleArn} (the only role the orchestrator may pass): remove it from the plan`);
      }
      return found;
    }),
  );
  return problems.flat();
}
