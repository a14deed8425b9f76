// The plans deployed with the functions: plan files in PLANS_DIR, found by their `name`.
import { resolve } from 'node:path';
import { requiredEnv } from '../config.ts';
import { loadPlanByName } from './load.ts';
import type { Plan } from './schema.ts';

const plansDir = resolve(requiredEnv('PLANS_DIR'));

export function loadDeployedPlan(name: string): Promise<Plan> {
  return loadPlanByName(plansDir, name);
}
