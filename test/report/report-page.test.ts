import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../harness/results/raw.js';
import type { Results } from '../../harness/results/results.js';
import { writeReportFiles, writeReports } from '../../harness/report/write-reports.js';
import { RawResultsWriter } from '../../harness/results/raw-writer.js';
import { readRawResults } from '../../harness/results/raw-reader.js';
import { ensureChromium, launchBrowser, REPO_ROOT, type Browser } from './browser.js';
import { copyOfRun, noise, writeRunDir } from '../unit/results/history-runs.js';
import { temporaryDirectories } from '../unit/results/temp-dirs.js';
import { canvasStates, contrastFailures, headingLevels, horizontalOverflow, tablesWithoutHeaders } from './page-checks.js';

// The recorded run (test/fixtures/run/SOURCE.md says where it comes from; record-fixture.ts
// replaces it with a real run's raw/results.jsonl).
const FIXTURE_RUN = join(REPO_ROOT, 'test/fixtures/run');
const makeTempDir = temporaryDirectories('sysctl-bench-report');
// Under reports/, which git ignores and the nightly workflow uploads.
const ARTIFACTS = join(REPO_ROOT, 'reports/test-artifacts');

let browser: Browser | undefined;
let context: BrowserContext;
let fileUrl: string;
let requests: string[];
let page: Page;
let pageErrors: string[];
let results: Results;

beforeAll(async () => {
  ensureChromium();
  const { records } = await readRawResults(FIXTURE_RUN);
  // Six earlier runs of the same scenario with run-to-run noise; this run is the recorded one with
  // the tuned connect p99 made 60% slower, so that the page shows a regression against history.
  const history = await makeTempDir();
  for (let i = 1; i <= 6; i++) await writeRunDir(history, copyOfRun(records, { daysAgo: i, factor: noise(i) }));
  const parent = await makeTempDir();
  const current = copyOfRun(records, {
    daysAgo: 0, factor: (metric, variant, workload) => (workload === 'web' && variant === 'tuned' && metric === 'connect_p99_ms' ? 1.6 : 1),
  });
  await writeRunDir(parent, current);
  const runDir = join(parent, runIdOf(current));
  ({ results } = await writeReportFiles(runDir, { history }));
  fileUrl = pathToFileURL(join(runDir, 'index.html')).href;

  browser = await launchBrowser();
  context = browser.context;
  requests = [];
  pageErrors = [];
  // Anything but the report file itself would be a network dependency: record it and refuse it.
  await context.route('**/*', (route) => (route.request().url() === fileUrl ? route.continue() : route.abort()));
  context.on('request', (request) => requests.push(request.url()));
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(fileUrl);
  await page.waitForSelector('html[data-charts-rendered]', { timeout: 30_000 });
}, 15 * 60_000);

afterAll(async () => {
  await browser?.dispose();
});

function runIdOf(records: RawRecord[]): string {
  const started = records.find((r) => r.type === 'run-started');
  return started?.type === 'run-started' ? started.runId : '';
}

describe('the HTML report of the recorded run, in Chromium', () => {
  it('renders every chart: each canvas has pixels drawn, an accessible name and a data table', async () => {
    const canvases = await canvasStates(page);
    const rendered = Number(await page.getAttribute('html', 'data-charts-rendered'));
    expect(canvases.length).toBeGreaterThanOrEqual(12);
    expect(rendered).toBe(canvases.length);
    for (const canvas of canvases) {
      expect(canvas, canvas.id).toMatchObject({ drawn: true, role: 'img', hasTable: true });
      expect(canvas.label?.length ?? 0, canvas.id).toBeGreaterThan(20);
    }
    expect(canvases.filter((c) => c.id.startsWith('trend-')).length).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('makes no request but the file itself', () => {
    expect(requests).toEqual([fileUrl]);
  });

  it('puts the verdict first, with the regression against earlier runs, and shows the kubelet message of the forbidden pod', async () => {
    const firstSection = await page.$eval('main section', (s) => s.id);
    expect(firstSection).toBe('verdict');
    expect(await page.textContent('#verdict .lead')).toMatch(/^Roll out net\.core\.somaxconn=4096/);
    const verdict = await page.textContent('#verdict') ?? '';
    expect(verdict).toMatch(/regression, reported only\s*Against the last 6 runs of this scenario/);
    expect(verdict).toContain('TCP connect time, 99th percentile');
    expect(await page.textContent('#admission')).toContain('forbidden sysctl: "net.core.somaxconn" not allowlisted');
    expect(await page.textContent('#trends')).toMatch(/Metrics outside the band of earlier runs/);
    expect(results.trends?.regressions).toBe(1);
  });

  it('draws time series with a legend of one entry per variant', async () => {
    const legends = await page.evaluate(`Array.from(document.querySelectorAll('canvas[id^="series-"]')).map((c) => Chart.getChart(c).legend.legendItems.map((i) => i.text))`) as string[][];
    expect(legends.length).toBeGreaterThan(0);
    for (const legend of legends) expect(legend).toEqual(['baseline', 'tuned']);
  });

  it('spreads the tail on the percentile axis: p99 to p99.9 as wide as p90 to p99, far wider than min to p5', async () => {
    const xs = await page.evaluate(`(() => {
      const chart = Chart.getChart(document.querySelector('canvas[id^="distribution-"]'));
      const points = chart.getDatasetMeta(0).data.map((p) => p.x);
      return { points, ticks: chart.scales.x.ticks.map((t) => t.label) };
    })()`) as { points: number[]; ticks: string[] };
    // Points: min, p5, p10, p25, p50, p75, p90, p95, p99, p99.9, max.
    const gap = (a: number, b: number) => (xs.points[b] as number) - (xs.points[a] as number);
    expect(gap(8, 9)).toBeCloseTo(gap(6, 8), 0);
    expect(gap(8, 9)).toBeGreaterThan(10 * gap(0, 1));
    expect(xs.ticks).toEqual(['min', 'p50', 'p90', 'p99', 'p99.9', 'max']);
  });

  it('has one h1, headings that never skip a level, and header cells in every table', async () => {
    const levels = await headingLevels(page);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    expect(levels[0]).toBe(1);
    levels.forEach((level, i) => {
      if (i > 0) expect(level, `heading ${i} (h${level}) after h${levels[i - 1]}`).toBeLessThanOrEqual((levels[i - 1] ?? 1) + 1);
    });
    expect(await tablesWithoutHeaders(page)).toBe(0);
    expect(await page.$$eval('th', (ths) => ths.filter((th) => !th.getAttribute('scope')).length)).toBe(0);
  });

  it('keeps text contrast at 4.5:1 or better everywhere', async () => {
    // Open every data table so that their text is checked too.
    await page.$$eval('details', (all) => all.forEach((d) => d.setAttribute('open', '')));
    const { checked, failures } = await contrastFailures(page, 4.5);
    expect(checked).toBeGreaterThan(200);
    expect(failures).toEqual([]);
    await page.$$eval('details', (all) => all.forEach((d) => d.removeAttribute('open')));
  });

  it('keeps a full-page screenshot as an artifact', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'report-fixture.png');
    await page.screenshot({ path, fullPage: true });
    expect((await readFile(path)).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('on a phone', () => {
  it.each([[390, 844], [360, 740]])('at %i×%i px no section scrolls sideways, and no table needs to', async (width, height) => {
    const phone = await context.newPage();
    try {
      await phone.setViewportSize({ width, height });
      await phone.goto(fileUrl);
      await phone.waitForSelector('html[data-charts-rendered]', { timeout: 30_000 });
      // Open every disclosure so that the data tables behind them are measured too.
      await phone.$$eval('details', (all) => all.forEach((d) => d.setAttribute('open', '')));
      const overflow = await horizontalOverflow(phone);
      expect(overflow.viewport).toBe(width);
      expect(overflow.documentWidth).toBeLessThanOrEqual(width);
      expect(overflow.sections.length).toBeGreaterThanOrEqual(9);
      for (const section of overflow.sections) {
        expect(section.scrollWidth, `${section.id} scrollWidth`).toBeLessThanOrEqual(width);
        expect(section.right, `${section.id} right edge`).toBeLessThanOrEqual(width);
      }
      // Tables lay out as cards: none scrolls inside its box either.
      expect(overflow.scrollingTables).toEqual([]);
      if (width === 390) {
        await mkdir(ARTIFACTS, { recursive: true });
        await phone.screenshot({ path: join(ARTIFACTS, 'report-fixture-390.png'), fullPage: true });
      }
    } finally {
      await phone.close();
    }
  });
});

describe('strings from the data cannot inject HTML', () => {
  it('shows hostile workload names and kubelet messages as text, runs no script of theirs', async () => {
    const runDir = await makeTempDir();
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const { records } = await readRawResults(FIXTURE_RUN);
    const writer = await RawResultsWriter.open(runDir);
    for (const record of records) {
      if (record.type === 'admission') await writer.append({ ...record, workload: `${record.workload}${evil}`, observed: { ...record.observed, message: evil } });
      else if (record.type === 'measurement') await writer.append({ ...record, workload: `${record.workload}${evil}` });
      else if (record.type === 'isolation') await writer.append({ ...record, detail: `</script>${evil}` });
      else await writer.append(record);
    }
    await writer.close();
    const hostileResults: Results = await writeReports(runDir);
    expect(hostileResults.performance[0]?.workload).toContain('<img');

    const hostile = await context.newPage();
    const url = pathToFileURL(join(runDir, 'index.html')).href;
    await context.route(url, (route) => route.continue());
    await hostile.goto(url);
    await hostile.waitForSelector('html[data-charts-rendered]');
    expect(await hostile.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await hostile.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(await hostile.$$eval('script', (scripts) => scripts.length)).toBe(3);
    expect(await hostile.textContent('#admission')).toContain('<script>window.__pwned=2</script>');
    await hostile.close();
  });
});
