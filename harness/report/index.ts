export { writeReports, writeReportFiles, REPORT_FILES, type WriteReportsOptions, type WrittenReports } from './write-reports.js';
export { renderHtml } from './html/page.js';
export { renderJunit } from './junit.js';
export { renderSummaryMarkdown } from './summary-md.js';
export { buildTrends, loadHistory, type Trend } from './history.js';
