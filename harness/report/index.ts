export { writeReports, writeReportFiles, REPORT_FILES, type WriteReportsOptions, type WrittenReports } from './write-reports.js';
export { renderHtml } from './html/page.js';
export { renderJunit } from './junit.js';
export { renderSummaryMarkdown } from './summary-md.js';
export { githubAnnotations } from './github.js';
export { formatRunSummary } from './run-summary.js';
export { loadHistory, type Trend, type TrendReport } from './history.js';
