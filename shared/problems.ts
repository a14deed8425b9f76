// Validation problems → messages that name the source, the line, the field and the fix. Shared by
// plans, execution inputs, trigger events and stage configurations. The messages are the
// project's own: what the value must be, what it is, and the closest known name for a misspelt
// key or value; zod's own wording only where nothing better is known.
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { plural } from './words.ts';

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

/**
 * Parse options that make zod keep each wrong value in its issue (`input`): a wrong value is
 * then told apart from a missing one. Pass them to every `safeParse` whose issues users read.
 */
export const REPORT_INPUT = { reportInput: true } as const;

/** What a value of zod's expected type is, in words. */
const EXPECTED: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map of keys and values',
  date: 'a date',
};

/** A value as a message shows it: what the file holds there. */
function shownValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (typeof value === 'string') return `the text "${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a map';
  return typeof value;
}

/** The candidate closest to `word`, when it is close enough to be a misspelling of it. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const known = candidates.filter((candidate) => candidate !== word);
  if (known.length === 0 || word === '') return undefined;
  const best = closest(word, [...known]);
  const tolerance = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  const caseOnly = best.toLowerCase() === word.toLowerCase();
  return caseOnly || distance(word.toLowerCase(), best.toLowerCase()) <= tolerance ? best : undefined;
}

const suggestion = (word: string, candidates: readonly string[]) => {
  const best = didYouMean(word, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
};

/** zod's default messages, which say less than ours: replaced where the issue tells enough. */
const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Expected)/;

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string }, side: 'min' | 'max'): string {
  const value = side === 'min' ? issue.minimum : issue.maximum;
  const count = typeof value === 'number' || typeof value === 'bigint' ? Number(value) : undefined;
  const unit = issue.origin === 'array' ? ` ${plural(count, 'item')}` : issue.origin === 'string' ? ` ${plural(count, 'character')}` : '';
  if (side === 'min') return issue.inclusive === false ? `greater than ${value}${unit}` : `at least ${value}${unit}`;
  return issue.inclusive === false ? `less than ${value}${unit}` : `at most ${value}${unit}`;
}

/** One issue's message in the project's words. */
function messageOf(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${shownValue(issue.input)})` : '';
  switch (issue.code) {
    case 'invalid_type': {
      // Without the input kept (REPORT_INPUT), a wrong value cannot be told from a missing one.
      if (!('input' in issue) || issue.input === undefined) return `${issue.path.length === 0 ? 'a value' : String(issue.path.at(-1))} is required`;
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return `must be ${expected}${got}`;
    }
    case 'invalid_value': {
      const values = issue.values.map((value) => String(value));
      const input = 'input' in issue && typeof issue.input === 'string' ? issue.input : undefined;
      const list = values.length === 1 ? `"${values[0]}"` : `one of ${values.map((value) => `"${value}"`).join(', ')}`;
      return `must be ${list}${got}${input === undefined ? '' : suggestion(input, values)}`;
    }
    case 'invalid_format':
      if (issue.format === 'datetime') {
        return `must be a time with its zone, e.g. 2026-12-01T13:00:00Z or 2026-12-01T14:00:00+01:00${got}`;
      }
      return DEFAULT_MESSAGE.test(issue.message) ? `must be a valid ${issue.format}${got}` : issue.message;
    case 'too_small':
      return DEFAULT_MESSAGE.test(issue.message) ? `must be ${bound(issue, 'min')}${got}` : issue.message;
    case 'too_big':
      return DEFAULT_MESSAGE.test(issue.message) ? `must be ${bound(issue, 'max')}${got}` : issue.message;
    default:
      return issue.message;
  }
}

export interface DescribeOptions {
  /**
   * The keys the schema knows, for "did you mean" on an unknown key: the keys of the map at
   * `path` when known, else any key of the document's schema.
   */
  knownKeys?: (path: readonly PropertyKey[]) => readonly string[];
}

/** Turns zod issues into field problems with a fix, one per issue (unknown keys one per key). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], options: DescribeOptions = {}): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = options.knownKeys?.(issue.path) ?? [];
      return issue.keys.map((key) => ({
        field: fieldName([...issue.path, key]),
        path: [...issue.path, key],
        message: `unknown key "${key}"${suggestion(key, known)}: remove it or check its spelling`,
      }));
    }
    if (issue.code === 'invalid_union' && issue.path.at(-1) === 'snapshot') {
      return [
        {
          field: fieldName(issue.path),
          message: 'snapshot is `latest`, `newest-point-in-time` or `{atOrBefore: <ISO-8601 time with its zone>}`',
        },
      ];
    }
    const field = fieldName(issue.path);
    if (issue.code === 'invalid_union') {
      // The branch that got furthest into the value says what is wrong in it (e.g. a selector's
      // `ids` given as text); when every branch stopped at the value itself, none fits.
      const depth = (branch: readonly z.core.$ZodIssue[]) => Math.max(0, ...branch.map((inner) => inner.path.length));
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
      if (best !== undefined && depth(best) > 0) {
        return describeIssues(
          best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
          options,
        );
      }
    }
    return [{ field, path: issue.path, message: messageOf(issue) }];
  });
}

/** Problems in the order a reader meets them: by line, then as found. */
export function byLine(problems: readonly FieldProblem[]): FieldProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.line ?? Number.MAX_SAFE_INTEGER) - (b.problem.line ?? Number.MAX_SAFE_INTEGER) || a.index - b.index)
    .map(({ problem }) => problem);
}

export function formatProblems(source: string, problems: readonly FieldProblem[]): string {
  const lines = problems.map((problem) => {
    const where = problem.line === undefined ? source : `${source}:${problem.line}`;
    return `${where}: ${problem.field || '(top level)'}: ${problem.message}`;
  });
  return lines.join('\n');
}
