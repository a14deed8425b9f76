// The HTML report as a person sees it: the file the workflow wrote, opened in headless Chromium
// (Debian's chromium through playwright-core; no browser is downloaded). Saves a screenshot to
// test-artifacts/report/ for a human look. Skipped, saying why, where /usr/bin/chromium is absent.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
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

/** Chromium with nothing of its own: no network, a throwaway profile; in the reader's time zone. */
async function launchBrowser(width: number, timezoneId = 'UTC') {
  return chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width, height: 900 },
    offline: true,
    timezoneId,
  });
}

/** An instant as a reader in that zone should see it, worked out here in Node (its own ICU). */
function inZone(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

/**
 * The header cells of every table whose right edge the reader cannot see: past the window, or past
 * its panel (which would scroll). Evaluated in the page (a string: the test compiles without the DOM's types).
 */
const HIDDEN_COLUMNS = `[...document.querySelectorAll('table')].flatMap((table) => {
  const panel = table.closest('.panel') ?? document.body;
  const limit = Math.min(panel.getBoundingClientRect().right, document.documentElement.clientWidth);
  return [...table.querySelectorAll('thead th')].filter((th) => th.getBoundingClientRect().right > limit + 1).map((th) => th.textContent);
})`;

/** A4 landscape less the report's 10-mm print margins, in CSS pixels (96 per inch). */
const A4_LANDSCAPE_PRINTABLE_PX = Math.floor(((297 - 20) / 25.4) * 96);

describe('the HTML report in a browser', () => {
  it.skipIf(!hasChromium)(
    `shows every column of every table at 900 and 1400 px and printed on A4 landscape${hasChromium ? '' : ` — ${skipReason}`}`,
    async () => {
      // A failed server gives the widest table: its raw error in the instance column.
      const { result, drs } = await runPlan({
        input: { plan: 'payments', mode: 'drill' },
        faults: [{ type: 'launchFailure', hostname: 'payments-web-2', rawError: 'Failed to launch recovery instance: InsufficientInstanceCapacity in us-east-1a for m5.2xlarge' }],
      });
      await drs.stop();
      const htmlPath = (result.reportPath ?? '').replace(/\.json$/, '.html');
      const browser = await launchBrowser(1400);
      try {
        const page = await browser.newPage();
        await page.goto(pathToFileURL(htmlPath).href);
        for (const width of [1400, 900]) {
          await page.setViewportSize({ width, height: 900 });
          expect({ width, hidden: await page.evaluate<string[]>(HIDDEN_COLUMNS) }).toEqual({ width, hidden: [] });
        }
        await page.emulateMedia({ media: 'print' });
        await page.setViewportSize({ width: A4_LANDSCAPE_PRINTABLE_PX, height: 900 });
        expect({ printed: await page.evaluate<string[]>(HIDDEN_COLUMNS) }).toEqual({ printed: [] });
        const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        await mkdir(ARTIFACTS, { recursive: true });
        await writeFile(join(ARTIFACTS, 'drill-printed.pdf'), pdf);
      } finally {
        await browser.close();
      }
    },
  );

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
      // Self-contained: nothing to fetch (its one script is inline).
      expect(html).not.toMatch(/<(link|img)\b|<script\b[^>]*\bsrc=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

      const browser = await launchBrowser(1280, 'America/New_York');
      try {
        const page = await browser.newPage();
        await page.goto(pathToFileURL(htmlPath).href);

        // Times in the reader's zone, named; UTC on hover.
        const started = page.locator('p.meta time');
        expect(await started.textContent()).toBe(inZone(report.startedAt, 'America/New_York'));
        expect(await started.getAttribute('title')).toContain(`${report.startedAt.slice(0, 10)} ${report.startedAt.slice(11, 19)} UTC`);
        expect(await page.locator('svg.timeline tspan[data-datetime]').textContent()).toBe(inZone(report.startedAt, 'America/New_York'));
        expect(await page.locator('#time-zone').textContent()).toBe('Times in your time zone (America/New_York); UTC on hover.');

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
