import { pathToFileURL } from 'node:url';
import { launchBrowser, ensureChromium } from './browser.js';
import { canvasStates, contrastFailures, headingLevels, horizontalOverflow, tablesWithoutHeaders } from './page-checks.js';

export interface ReportInspection {
  charts: number;
  undrawnCharts: string[];
  /** Every URL the page asked for; a self-contained report asks only for itself. */
  requests: string[];
  fileUrl: string;
  pageErrors: string[];
  h1Count: number;
  headingSkips: string[];
  tablesWithoutHeaders: number;
  contrastChecked: number;
  contrastFailures: number;
  /** At a 390 × 844 phone viewport: the parts of the page wider than the screen, and tables that scroll. */
  phone: { overflowingSections: string[]; scrollingTables: string[] };
}

/**
 * Opens a report in headless Chromium, refusing every request but the file itself, and reads
 * what a person would notice: charts drawn, headings, table headers, text contrast. Used on
 * reports of real runs (end-to-end tests); the recorded fixture has its own, finer test.
 */
export async function inspectReport(htmlFile: string, screenshot?: string): Promise<ReportInspection> {
  ensureChromium();
  const browser = await launchBrowser();
  try {
    const fileUrl = pathToFileURL(htmlFile).href;
    const requests: string[] = [];
    const pageErrors: string[] = [];
    await browser.context.route('**/*', (route) => (route.request().url() === fileUrl ? route.continue() : route.abort()));
    browser.context.on('request', (request) => requests.push(request.url()));
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(fileUrl);
    await page.waitForSelector('html[data-charts-rendered]', { timeout: 30_000 });
    const canvases = await canvasStates(page);
    const levels = await headingLevels(page);
    const headingSkips = levels.flatMap((level, i) => (i > 0 && level > (levels[i - 1] ?? 1) + 1 ? [`h${levels[i - 1]} -> h${level}`] : []));
    await page.$$eval('details', (all) => all.forEach((d) => d.setAttribute('open', '')));
    const contrast = await contrastFailures(page, 4.5);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const narrow = await horizontalOverflow(page);
    return {
      charts: canvases.length,
      undrawnCharts: canvases.filter((canvas) => !canvas.drawn).map((canvas) => canvas.id),
      requests,
      fileUrl,
      pageErrors,
      h1Count: levels.filter((level) => level === 1).length,
      headingSkips,
      tablesWithoutHeaders: await tablesWithoutHeaders(page),
      contrastChecked: contrast.checked,
      contrastFailures: contrast.failures.length,
      phone: {
        overflowingSections: narrow.sections.filter((s) => s.scrollWidth > narrow.viewport || s.right > narrow.viewport).map((s) => s.id),
        scrollingTables: narrow.scrollingTables,
      },
    };
  } finally {
    await browser.dispose();
  }
}
