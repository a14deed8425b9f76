import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleFileOf } from '#deploy/bundles.ts';
import { startLambdaHost, type LambdaHost } from '#local/runner/lambda.ts';
import { tempDir } from './helpers.ts';

// Plain ESM bundles, as the build writes them: each says when its module loads.
const BUNDLES: Record<string, string> = {
  greet: `console.log('init greet');\nexport async function handler(event) { return { greeting: 'hello ' + event.name }; }\n`,
  misconfigured: `throw new TypeError('DRS_ENDPOINT is not set');\n`,
  unreached: `console.log('init unreached');\nexport async function handler() { return null; }\n`,
};

let buildDir: string;

beforeAll(async () => {
  buildDir = await tempDir('lambda-host');
  for (const [key, source] of Object.entries(BUNDLES)) {
    await mkdir(join(buildDir, key), { recursive: true });
    await writeFile(bundleFileOf(buildDir, key), source);
  }
});

async function withHost(act: (host: LambdaHost) => Promise<void>): Promise<string> {
  let output = '';
  const host = await startLambdaHost({ buildDir, functionKeys: Object.keys(BUNDLES), env: {}, output: (text) => (output += text) });
  try {
    await act(host);
  } finally {
    await host.stop();
  }
  return output;
}

const invoke = (host: LambdaHost, key: string, event: unknown) => host.invoke(key, `arn:aws:lambda:eu-west-1:000000000000:function:${key}`, JSON.stringify(event));

describe('the local Lambda host', () => {
  it('loads a handler on its first invocation, once, and never loads one the run does not invoke', async () => {
    const results: string[] = [];

    const output = await withHost(async (host) => {
      results.push(...(await Promise.all([invoke(host, 'greet', { name: 'a' }), invoke(host, 'greet', { name: 'b' })])));
      results.push(await invoke(host, 'greet', { name: 'c' }));
    });

    expect(results.map((json) => JSON.parse(json))).toEqual([{ greeting: 'hello a' }, { greeting: 'hello b' }, { greeting: 'hello c' }]);
    expect(output.match(/init greet/g)).toHaveLength(1);
    expect(output.indexOf('init greet')).toBeLessThan(output.indexOf('START greet')); // init precedes the invocation, as in CloudWatch Logs
    expect(output).not.toContain('init unreached');
  });

  it('fails every invocation of a handler whose module throws at load with that error, as a failed Lambda init, and runs the others', async () => {
    const failures: unknown[] = [];
    let greeting = '';

    await withHost(async (host) => {
      for (let attempt = 0; attempt < 2; attempt++) failures.push(await invoke(host, 'misconfigured', {}).catch((error: unknown) => error));
      greeting = await invoke(host, 'greet', { name: 'operator' });
    });

    for (const failure of failures) {
      expect(failure).toMatchObject({ name: 'TypeError' });
      expect(JSON.parse((failure as Error).message)).toMatchObject({ errorType: 'TypeError', errorMessage: 'DRS_ENDPOINT is not set' });
    }
    expect(failures).toHaveLength(2);
    expect(JSON.parse(greeting)).toEqual({ greeting: 'hello operator' });
  });

  it('refuses to start when a bundle is missing, naming the file and the fix', async () => {
    const started = startLambdaHost({ buildDir, functionKeys: ['greet', 'checkLaunch'], env: {}, output: () => {} });

    await expect(started).rejects.toThrow(`${bundleFileOf(buildDir, 'checkLaunch')} is missing; run \`npm run build\``);
  });
});
