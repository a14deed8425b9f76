// The plans deployed with the functions, found by their `name` in PLANS_DIR. The package ships
// them as JSON, compiled and checked by deploy/prepare.ts, so a cold start never loads the YAML
// parser; local runs point PLANS_DIR at the YAML plan files (plans/), read by the lazily loaded
// parser.
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { requiredEnv } from '#shared/config.ts';
import { InvalidPlanError, PlanNotFoundError } from '#shared/errors.ts';
import { describeIssues, formatProblems } from '#shared/problems.ts';
import { Plan } from './schema.ts';

const plansDir = resolve(requiredEnv('PLANS_DIR'));

/** A compiled plan (JSON) checked again: the file may have been changed since it was packaged. */
export function checkCompiledPlan(document: unknown, source: string): Plan {
  const parsed = Plan.safeParse(document);
  if (!parsed.success) throw new InvalidPlanError(formatProblems(source, describeIssues(parsed.error.issues)));
  return parsed.data;
}

export async function loadDeployedPlan(name: string): Promise<Plan> {
  const files = await readdir(plansDir);
  if (files.some((file) => ['.yaml', '.yml'].includes(extname(file)))) return (await import('./load.ts')).loadPlanByName(plansDir, name);
  const compiled = files.filter((file) => extname(file) === '.json');
  if (!compiled.includes(`${name}.json`)) {
    throw new PlanNotFoundError(`no plan named "${name}" is deployed; deployed plans: ${compiled.map((file) => basename(file, '.json')).join(', ')}`);
  }
  const path = join(plansDir, `${name}.json`);
  const plan = checkCompiledPlan(JSON.parse(await readFile(path, 'utf8')), path);
  if (plan.name !== name) throw new InvalidPlanError(`${path}: holds plan "${plan.name}", not "${name}": package the plans again (deploy/prepare.ts)`);
  return plan;
}
