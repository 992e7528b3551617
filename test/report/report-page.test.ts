import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../harness/results/results.js';
import { writeReportFiles, writeReports } from '../../harness/report/write-reports.js';
import { RawResultsWriter } from '../../harness/results/raw-writer.js';
import { ensureChromium, launchBrowser, REPO_ROOT, type Browser } from './browser.js';
import { earlierRun, writeHistory } from './history-fixture.js';
import { temporaryDirectories } from '../unit/results/temp-dirs.js';
import { canvasStates, contrastFailures, headingLevels, tablesWithoutHeaders } from './page-checks.js';

const FIXTURE_RUN = join(REPO_ROOT, 'test/fixtures/run');
const makeTempDir = temporaryDirectories('sysctl-bench-report');
// Under reports/, which git ignores and the nightly workflow uploads.
const ARTIFACTS = join(REPO_ROOT, 'reports/test-artifacts');

let browser: Browser | undefined;
let context: BrowserContext;
let out: string;
let fileUrl: string;
let requests: string[];
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ensureChromium();
  const work = await makeTempDir();
  // Two earlier runs: one slower, one faster than this run, so the trend flags a regression.
  const plain = await writeReports(FIXTURE_RUN, { out: join(work, 'plain') });
  const history = join(work, 'history');
  await writeHistory(history, [earlierRun(plain, 14, 1.1), earlierRun(plain, 7, 0.9)]);
  out = join(work, 'out');
  await writeReportFiles(FIXTURE_RUN, { out, history });
  fileUrl = pathToFileURL(join(out, 'index.html')).href;

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

describe('the HTML report of the recorded net-backlog run, in Chromium', () => {
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

  it('puts the verdict first and shows the kubelet message of the forbidden pod', async () => {
    const firstSection = await page.$eval('main section', (s) => s.id);
    expect(firstSection).toBe('verdict');
    const verdict = await page.textContent('#verdict .lead');
    expect(verdict).toMatch(/^Roll out net\.core\.somaxconn=4096 for net-backlog/);
    expect(await page.textContent('#admission')).toContain('forbidden sysctl: "net.core.somaxconn" not allowlisted');
    expect(await page.textContent('#trends')).toMatch(/Regressions against the previous run/);
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

describe('strings from the data cannot inject HTML', () => {
  it('shows hostile workload names and kubelet messages as text, runs no script of theirs', async () => {
    const runDir = await makeTempDir();
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const { records } = await import('../../harness/results/raw-reader.js').then((m) => m.readRawResults(FIXTURE_RUN));
    const writer = await RawResultsWriter.open(runDir);
    for (const record of records) {
      if (record.type === 'admission') await writer.append({ ...record, workload: `${record.workload}${evil}`, observed: { ...record.observed, message: evil } });
      else if (record.type === 'measurement') await writer.append({ ...record, workload: `${record.workload}${evil}` });
      else if (record.type === 'note') await writer.append({ ...record, message: `</script>${evil}` });
      else await writer.append(record);
    }
    await writer.close();
    const results: Results = await writeReports(runDir);
    expect(results.performance[0]?.workload).toContain('<img');

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
