// `npm start` as a user runs it: a spawned npm, Node 22 from node_modules/.bin as npm scripts
// get it, the real handlers built, the default scenario, the example plan as a drill.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

function npmStart(reportDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['start', '--silent', '--', '--report-dir', reportDir], {
      cwd: projectRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start', () => {
  it('runs the example plan as a drill that succeeds, shows the summary and leaves a report with no instance behind', { timeout: 240_000 }, async () => {
    const reportDir = await tempDir('npm-start');

    const { code, stdout, stderr } = await npmStart(reportDir);

    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);
    expect(stdout).toContain('▶ Wave databases');
    expect(stdout).toMatch(/payments-db-1 +launched i-/);
    expect(stdout).toMatch(/^ +Wave +Status +Servers +Launched +Failed +Post-launch actions +Duration$/m);
    for (const wave of ['databases', 'application', 'web']) expect(stdout).toMatch(new RegExp(`^ +${wave} +SUCCEEDED `, 'm'));
    expect(stdout).toContain('✓ Drill of plan payments SUCCEEDED');
    const reportPath = /Report: (\S+\.json)/.exec(stdout)?.[1];
    expect(reportPath).toBeDefined();
    const report = JSON.parse(await readFile(reportPath!.startsWith('/') ? reportPath! : join(projectRoot, reportPath!), 'utf8'));
    expect(report).toMatchObject({ status: 'SUCCEEDED', plan: 'payments', mode: 'drill', cleanup: { instancesLeft: 0 } });
    expect(report.waves.map((wave: { name: string }) => wave.name)).toEqual(['databases', 'application', 'web']);
  });
});
