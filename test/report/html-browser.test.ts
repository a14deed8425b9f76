// The HTML report as a person sees it: the file the workflow wrote, opened in headless Chromium
// (Debian's chromium through playwright-core; no browser is downloaded). Saves a screenshot to
// test-artifacts/report/ for a human look. Skipped, saying why, where /usr/bin/chromium is absent.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runPlan } from '../e2e/harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts/report');
const hasChromium = existsSync(CHROMIUM);
// Where Chromium is absent the test is skipped and its name says why (CI installs it).
if (!hasChromium) console.warn(`HTML report browser test skipped: ${CHROMIUM} is absent (Debian: apt-get install -y chromium)`);
const skipReason = `skipped: ${CHROMIUM} is absent (Debian: apt-get install -y chromium)`;

describe('the HTML report in a browser', () => {
  it.skipIf(!hasChromium)(
    `shows one bar per server grouped by wave, the RTO target line, and a failed server with DRS raw error${hasChromium ? '' : ` — ${skipReason}`}`,
    async () => {
      const rawError = 'InsufficientInstanceCapacity in us-east-1a';
      const { result, report, drs } = await runPlan({
        input: { plan: 'payments', mode: 'drill' },
        faults: [{ type: 'launchFailure', hostname: 'payments-web-2', rawError }],
      });
      await drs.stop();
      const htmlPath = (result.reportPath ?? '').replace(/\.json$/, '.html');
      const html = await readFile(htmlPath, 'utf8');
      // Self-contained: nothing to fetch.
      expect(html).not.toMatch(/<(script|link|img)\b|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

      const browser = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'chromium-profile-')), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        viewport: { width: 1280, height: 900 },
        offline: true,
      });
      try {
        const page = await browser.newPage();
        await page.goto(pathToFileURL(htmlPath).href);

        const bars = page.locator('svg.timeline g.server-bar');
        await expect.poll(() => bars.count()).toBe(11);
        const waves = await bars.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-wave')));
        expect(waves).toEqual([...Array(3).fill('databases'), ...Array(4).fill('application'), ...Array(4).fill('web')]);
        for (const bar of await bars.all()) expect(await bar.locator('rect.phase').count()).toBeGreaterThanOrEqual(3);
        expect(await page.locator('svg.timeline line.rto-target').count()).toBe(1);
        const failedID = report.waves[2].servers.find((server) => server.hostname === 'payments-web-2')?.sourceServerID;
        await expect.poll(() => page.locator(`g.server-bar[data-server="${failedID}"] .failed-mark`).textContent()).toContain(rawError);
        expect(await page.locator('table', { hasText: 'Recovery instance' }).textContent()).toContain(rawError);
        expect(await page.locator('h1').textContent()).toContain('SUCCEEDED');

        await mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'drill-with-failed-server.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
  );
});
