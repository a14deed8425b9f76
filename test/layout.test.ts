// Who may import whom: the README's layout section, checked. A rule broken here is a folder that
// started to depend on what it should not know (a local stand-in on the orchestrator, failback
// on recovery's internals, the deployment on the local runner).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUBPATHS: Record<string, string> = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).imports;

function sourceFiles(folder: string): string[] {
  const full = join(root, folder);
  return readdirSync(full).flatMap((name) => {
    const path = join(full, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(relative(root, path));
    return /\.(ts|mts|cts|mjs|cjs|js)$/.test(name) ? [relative(root, path)] : [];
  });
}

/** The project files a file imports (static, dynamic and require), as paths from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1]);
  return specifiers.flatMap((specifier) => {
    for (const [pattern, target] of Object.entries(SUBPATHS)) {
      const prefix = pattern.replace('*', '');
      if (specifier.startsWith(prefix)) return [join(target.replace('*', ''), specifier.slice(prefix.length)).replace(/^\.\//, '')];
    }
    return specifier.startsWith('.') ? [relative(root, resolve(root, dirname(file), specifier))] : [];
  });
}

/** [folder whose files are checked, folders they must not import from]. */
const RULES: Array<[string, string[]]> = [
  ['shared/drs', ['shared/engine', 'shared/recovery', 'shared/failback', 'shared/network', 'shared/report', 'shared/plan', 'shared/trigger', 'shared/events']],
  ['shared/engine', ['shared/recovery', 'shared/failback', 'shared/network', 'shared/report', 'shared/trigger', 'shared/events', 'shared/plan', 'shared/aws']],
  ['shared/accounts', ['shared/drs', 'shared/engine', 'shared/recovery', 'shared/failback', 'shared/network', 'shared/report', 'shared/trigger', 'shared/events']],
  ['shared/failback', ['shared/recovery']],
  ['shared/recovery', ['shared/failback']],
  ['shared/network', ['shared/recovery', 'shared/failback']],
  // The lock knows runs only by plan, execution and start time: nothing of the workflows it guards.
  ['shared/lock', ['shared/drs', 'shared/engine', 'shared/accounts', 'shared/recovery', 'shared/failback', 'shared/network', 'shared/report', 'shared/plan', 'shared/trigger', 'shared/events']],
  // The sweeper knows runs only by their jobs' tags and Step Functions' answer: no workflow's internals.
  ['shared/sweep', ['shared/recovery', 'shared/failback', 'shared/network', 'shared/report', 'shared/plan', 'shared/trigger', 'shared/events', 'shared/accounts']],
  // The domain takes its ports as parameters: only handlers reach the composition root.
  ...['shared/accounts', 'shared/drs', 'shared/recovery', 'shared/failback', 'shared/network', 'shared/report', 'shared/plan', 'shared/lock', 'shared/sweep', 'shared/actions', 'shared/approval'].map((folder): [string, string[]] => [folder, ['shared/aws']]),
  ['shared', ['local', 'deploy', 'cli', 'functions', 'bench', 'test']],
  ['functions', ['local', 'deploy', 'cli', 'bench', 'test']],
  // DRS reaches CloudFormation through an interface of its own (network-stacks.ts); the runner connects them.
  ['local/drs', ['shared', 'functions', 'local/runner', 'local/cloudformation', 'deploy', 'cli']],
  ['local/cloudformation', ['shared', 'functions', 'local/runner', 'local/drs', 'local/sts', 'local/dynamodb', 'local/stepfunctions', 'deploy', 'cli']],
  ['local/sts', ['shared', 'functions', 'local/runner', 'local/drs', 'deploy', 'cli']],
  ['local/dynamodb', ['shared', 'functions', 'local/runner', 'local/drs', 'local/sts', 'deploy', 'cli']],
  ['local/stepfunctions', ['shared', 'functions', 'local/runner', 'local/drs', 'local/sts', 'local/dynamodb', 'local/cloudformation', 'deploy', 'cli']],
  // The stand-ins the action steps and approval gates call: each knows only HTTP and the identity world.
  ...['local/ssm', 'local/sns', 'local/route53', 'local/lambda'].map((folder): [string, string[]] => [
    folder,
    ['shared', 'functions', 'actions', 'local/runner', 'local/drs', 'local/sts', 'local/dynamodb', 'local/stepfunctions', 'local/cloudformation', ...['local/ssm', 'local/sns', 'local/route53', 'local/lambda'].filter((other) => other !== folder), 'deploy', 'cli'],
  ]),
  ['local/identity', ['shared', 'functions', 'local/runner', 'local/drs', 'local/sts', 'local/dynamodb', 'local/stepfunctions', 'local/cloudformation', 'local/ssm', 'local/sns', 'local/route53', 'local/lambda', 'deploy', 'cli']],
  ['local/http', ['shared', 'functions', 'local/runner', 'local/drs', 'local/sts', 'local/dynamodb', 'local/stepfunctions', 'local/cloudformation', 'local/ssm', 'local/sns', 'local/route53', 'local/lambda', 'local/identity', 'deploy', 'cli']],
  // A shipped action is a customer's function like any other: it knows the documented input only.
  ['actions', ['local', 'functions', 'deploy', 'cli', 'bench', 'test', 'shared/aws', 'shared/recovery', 'shared/drs', 'shared/plan']],
  ['deploy', ['local', 'cli', 'bench', 'test']],
  ['cli', ['local', 'deploy', 'bench', 'test']],
];

describe('the layout: who may import whom', () => {
  for (const [folder, forbidden] of RULES) {
    it(`${folder}/ imports nothing from ${forbidden.join(', ')}`, () => {
      const broken = sourceFiles(folder).flatMap((file) =>
        importsOf(file)
          .filter((target) => forbidden.some((banned) => target === banned || target.startsWith(`${banned}/`)))
          .map((target) => `${file} → ${target}`),
      );
      expect(broken).toEqual([]);
    });
  }

  it('finds the imports it checks (the scan itself works)', () => {
    expect(importsOf('shared/recovery/waves.ts')).toContain('shared/engine/start.ts');
    expect(importsOf('functions/start-wave.ts')).toContain('shared/recovery/waves.ts');
  });
});
