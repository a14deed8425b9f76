// Plan files → validated plans. Errors name the file, the line, the field and the fix.
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isNode, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { InvalidPlanError, PlanNotFoundError } from '#shared/errors.ts';
import { byLine, describeIssues, formatProblems, REPORT_INPUT } from '#shared/problems.ts';
import { knownKeysOf } from '#shared/schema-keys.ts';
import { crossCheckIssues, Plan } from './schema.ts';

const planKeys = knownKeysOf(Plan);

function lineOf(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  // The deepest node that exists along the path: an unknown key points at its parent map.
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = document.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * A YAML error in full: the parser's sentence (its "at line L, column C" said once, as the column:
 * the line is the problem's) and the lines it quotes, with a caret under the place.
 */
function yamlProblem(error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): string {
  const [first = '', ...frame] = error.message.split('\n');
  const sentence = first.replace(/ at line \d+, column \d+:?$/, '');
  const column = error.linePos?.[0].col;
  const quoted = frame.filter((line) => line.trim() !== '');
  return `not valid YAML: ${sentence}${column === undefined ? '' : ` (column ${column})`}${quoted.length === 0 ? '' : `\n${quoted.join('\n')}`}`;
}

/** Parses and validates the text of one plan file. Throws InvalidPlanError naming every problem. */
export function parsePlan(text: string, source: string): Plan {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({
      field: '',
      line: error.linePos?.[0].line,
      message: yamlProblem(error),
    }));
    throw new InvalidPlanError(formatProblems(source, problems));
  }
  const data = planData(document, lineCounter, source);
  if (data === null || data === undefined) {
    throw new InvalidPlanError(`${source}: the file is empty: a plan needs at least name, targets and waves (see plans/example.yaml)`);
  }
  const parsed = Plan.safeParse(data, REPORT_INPUT);
  if (!parsed.success) {
    // The checks across waves (duplicate names and servers) run on the document as it is, so that
    // they come with the other problems, not after every other one is fixed.
    const issues = [...parsed.error.issues, ...crossCheckIssues(data, parsed.error.issues)];
    const problems = issues.flatMap((issue) =>
      describeIssues([issue], { knownKeys: planKeys }).map((problem) => ({ ...problem, line: lineOf(document, lineCounter, problem.path ?? issue.path) })),
    );
    const sorted = byLine(problems);
    throw new InvalidPlanError(formatProblems(source, sorted), sorted.map(({ line, field, message }) => ({ line, field, message })));
  }
  return parsed.data;
}

/**
 * The document as data. The YAML parser refuses to expand more than 100 aliases (`*name`): a
 * small file whose aliases nest can otherwise expand to gigabytes ("billion laughs"). That
 * refusal is a plan problem, named like the others, not a crash.
 */
function planData(document: Document, lineCounter: LineCounter, source: string): unknown {
  try {
    return document.toJS();
  } catch (error) {
    let line: number | undefined;
    visit(document, {
      Alias(_key, node) {
        if (node.range) line = lineCounter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidPlanError(
      formatProblems(source, [{ field: '', line, message: `not a usable plan: ${reason}: write the values out instead of repeating YAML aliases (*name)` }]),
    );
  }
}

/** A plan file's text; a folder or a missing file is a plan problem (exit 2), not a crash. */
async function readPlanText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new InvalidPlanError(`${path}: is a folder, not a plan file: give the plan's .yaml file (e.g. ${join(path, 'example.yaml')})`);
    if (code === 'ENOENT') throw new InvalidPlanError(`${path}: no such file: check the path`);
    throw error;
  }
}

export async function readPlanFile(path: string): Promise<Plan> {
  return parsePlan(await readPlanText(path), path);
}

/**
 * A plan file checked, and its document as the JSON the package ships (deploy/prepare.ts): the
 * deployed functions read it without the YAML parser.
 */
export async function compilePlanFile(path: string): Promise<{ plan: Plan; json: string }> {
  const text = await readPlanText(path);
  const plan = parsePlan(text, path);
  return { plan, json: `${JSON.stringify(parseDocument(text).toJS(), null, 2)}\n` };
}

function isPlanFile(name: string): boolean {
  return ['.yaml', '.yml'].includes(extname(name));
}

/**
 * Finds the plan named `name` (its `name` field) in a folder of plan files. Other files'
 * problems do not stop the search; two files with the same plan name do.
 */
export async function loadPlanByName(plansDir: string, name: string): Promise<Plan> {
  const found = await findPlanByName(plansDir, name);
  return parsePlan(found.text, found.path);
}

/** The file in `plansDir` that defines plan `name`, and its text (loadPlanByName's search). */
export async function findPlanByName(plansDir: string, name: string): Promise<{ path: string; text: string }> {
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
  return { path: matching[0].path, text: matching[0].text };
}
