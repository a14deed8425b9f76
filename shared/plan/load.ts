// Plan files → validated plans. Errors name the file, the line, the field and the fix.
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InvalidPlanError, PlanNotFoundError } from '../errors.ts';
import { Plan } from './schema.ts';

/** One problem in a plan or an input: where it is and what to do about it. */
export interface FieldProblem {
  field: string;
  /** Where in the document: the keys and indexes leading to the field. */
  path?: readonly PropertyKey[];
  line?: number;
  message: string;
}

/** `waves[1].servers.tags` from a zod issue path. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name === '' ? String(key) : `${name}.${String(key)}`;
  }, '');
}

/** Turns zod issues into field problems with a fix, one per issue (unknown keys one per key). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldName([...issue.path, key]),
        path: [...issue.path, key],
        message: `unknown key "${key}": remove it or check its spelling`,
      }));
    }
    if (issue.code === 'invalid_union' && issue.path.at(-1) === 'snapshot') {
      return [
        {
          field: fieldName(issue.path),
          message: 'snapshot is `latest`, `newest-point-in-time` or `{atOrBefore: <ISO-8601 time>}`',
        },
      ];
    }
    const field = fieldName(issue.path);
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return [{ field, message: `${field || 'value'} is required` }];
    }
    return [{ field, message: issue.message }];
  });
}

export function formatProblems(source: string, problems: readonly FieldProblem[]): string {
  const lines = problems.map((problem) => {
    const where = problem.line === undefined ? source : `${source}:${problem.line}`;
    return `${where}: ${problem.field || '(top level)'}: ${problem.message}`;
  });
  return lines.join('\n');
}

function lineOf(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  // The deepest node that exists along the path: an unknown key points at its parent map.
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = document.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parses and validates the text of one plan file. Throws InvalidPlanError naming every problem. */
export function parsePlan(text: string, source: string): Plan {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({
      field: '',
      line: error.linePos?.[0].line,
      message: `not valid YAML: ${error.message.split('\n')[0]}`,
    }));
    throw new InvalidPlanError(formatProblems(source, problems));
  }
  const parsed = Plan.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) =>
      describeIssues([issue]).map((problem) => ({ ...problem, line: lineOf(document, lineCounter, problem.path ?? issue.path) })),
    );
    throw new InvalidPlanError(formatProblems(source, problems));
  }
  return parsed.data;
}

export async function readPlanFile(path: string): Promise<Plan> {
  return parsePlan(await readFile(path, 'utf8'), path);
}

function isPlanFile(name: string): boolean {
  return ['.yaml', '.yml'].includes(extname(name));
}

/**
 * Finds the plan named `name` (its `name` field) in a folder of plan files. Other files'
 * problems do not stop the search; two files with the same plan name do.
 */
export async function loadPlanByName(plansDir: string, name: string): Promise<Plan> {
  const files = (await readdir(plansDir)).filter(isPlanFile).sort();
  const candidates = await Promise.all(
    files.map(async (file) => {
      const path = join(plansDir, file);
      const text = await readFile(path, 'utf8');
      const planName: unknown = parseDocument(text).get('name');
      return { file, path, text, planName };
    }),
  );
  const matching = candidates.filter((candidate) => candidate.planName === name);
  if (matching.length > 1) {
    throw new InvalidPlanError(
      `plan "${name}" is defined by ${matching.map((candidate) => candidate.file).join(' and ')} in ${plansDir}: give each plan its own name`,
    );
  }
  if (matching.length === 0) {
    const known = candidates.map((candidate) => candidate.planName).filter((planName) => typeof planName === 'string');
    throw new PlanNotFoundError(
      `no plan named "${name}" in ${plansDir}; known plans: ${known.length > 0 ? known.join(', ') : '(none)'}`,
    );
  }
  return parsePlan(matching[0].text, matching[0].path);
}
