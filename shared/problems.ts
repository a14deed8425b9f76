// Validation problems → messages that name the source, the line, the field and the fix. Shared by
// plans, execution inputs, trigger events and stage configurations.
import type { z } from 'zod';

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
