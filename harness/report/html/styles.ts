/**
 * The page's only stylesheet, inline. System font stacks only (no web fonts: the report must open
 * offline). Text colours keep at least 7:1 on white; muted text at least 4.5:1.
 */
export const STYLES = `
:root { --text: #111827; --muted: #4b5563; --line: #d1d5db; --soft: #f3f4f6; --accent: #1d4ed8;
  --ok: #065f46; --ok-bg: #d1fae5; --bad: #991b1b; --bad-bg: #fee2e2; --warn: #92400e; --warn-bg: #fef3c7; }
* { box-sizing: border-box; }
html { background: #ffffff; }
body { margin: 0; color: var(--text); background: #ffffff; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
header.page { background: #0f172a; color: #f9fafb; padding: 28px 0 22px; }
header.page .meta { color: #d1d5db; }
header.page h1 { margin: 0 0 6px; font-size: 1.75rem; letter-spacing: -0.01em; overflow-wrap: anywhere; }
header.page .meta, header.page .purpose { overflow-wrap: anywhere; }
header.page .purpose { font-size: 1.08rem; color: #f3f4f6; margin-bottom: 8px; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 28px; }
nav.toc { border-bottom: 1px solid var(--line); background: var(--soft); }
nav.toc ul { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; margin: 0; padding: 10px 0; }
nav.toc a { text-decoration: none; font-weight: 500; }
nav.toc a:hover { text-decoration: underline; }
main { padding-bottom: 48px; }
section { margin-top: 36px; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--text); padding-bottom: 4px; margin: 0 0 14px; }
h3 { font-size: 1.12rem; margin: 26px 0 8px; }
h4 { font-size: 1rem; margin: 0 0 6px; }
p { margin: 0 0 10px; }
.muted { color: var(--muted); }
.small { font-size: 0.85em; font-weight: 400; }
td .mono { overflow-wrap: anywhere; }
td code { white-space: pre-wrap; }
.said { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.82rem; background: var(--soft); border-left: 3px solid #9ca3af; padding: 2px 8px; margin-top: 4px; min-width: min(260px, 100%); }
tbody th { white-space: nowrap; }
tbody th:has(br), tbody th:has(div) { white-space: normal; min-width: 170px; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-weight: 600; font-size: 0.85em; white-space: nowrap; border: 1px solid transparent; }
.badge.ok { color: var(--ok); background: var(--ok-bg); border-color: #6ee7b7; }
.badge.bad { color: var(--bad); background: var(--bad-bg); border-color: #fca5a5; }
.badge.neutral { color: #1f2937; background: #e5e7eb; border-color: #d1d5db; }
.badge.warn { color: var(--warn); background: var(--warn-bg); border-color: #fcd34d; }
header.page .badge { font-size: 0.95em; }
td .badge { white-space: normal; text-align: center; border-radius: 10px; }
.verdict { border: 1px solid var(--line); border-left: 6px solid var(--accent); background: #f8fafc; padding: 16px 20px; border-radius: 6px; }
.verdict.failed { border-left-color: var(--bad); }
.verdict.cannot-run { border-left-color: var(--warn); }
.verdict .lead { font-size: 1.05rem; }
.decisions { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(320px, 100%), 1fr)); gap: 16px; margin-top: 14px; }
.decision li, .verdict, .lead { overflow-wrap: anywhere; }
.note { border-left: 4px solid var(--warn); background: var(--warn-bg); padding: 8px 12px; border-radius: 4px; }
.decision { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; background: #ffffff; }
.decision h3 { margin-top: 0; font-size: 1rem; }
.decision ul { margin: 0; padding-left: 20px; }
.decision li { margin-bottom: 6px; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 14px; }
.count { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; background: #ffffff; }
.count strong { display: block; font-size: 1.3rem; }
.table-scroll { overflow-x: auto; margin: 8px 0 14px; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; color: var(--text); }
th, td { border-bottom: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
thead th { background: var(--soft); border-bottom: 2px solid #9ca3af; vertical-align: bottom; }
tbody th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail td, tr.fail th { background: #fff5f5; }
/* min(…, 100%): a column never asks for more than the screen has (a 360 px phone included). */
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(340px, 100%), 1fr)); gap: 16px; margin: 12px 0; }
.charts.wide { grid-template-columns: repeat(auto-fill, minmax(min(520px, 100%), 1fr)); }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px 8px; background: #ffffff; min-width: 0; }
figure.chart figcaption { font-weight: 600; margin-bottom: 6px; }
.canvas-box { position: relative; height: 250px; }
.charts.wide .canvas-box { height: 290px; }
details { margin-top: 6px; }
details summary { cursor: pointer; color: var(--accent); font-size: 0.9rem; }
pre { background: #0f172a; color: #e5e7eb; padding: 12px 14px; border-radius: 6px; overflow-x: auto; margin: 6px 0 14px; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0 0 12px; }
dl.env dt { font-weight: 600; }
dl.env dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.flags code { display: inline-block; max-width: 100%; overflow-wrap: anywhere; background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 0 5px; margin: 1px 3px 1px 0; }
.bar { height: 12px; background: var(--accent); border-radius: 2px; min-width: 2px; }
.bar.failed { background: var(--bad); }
footer { border-top: 1px solid var(--line); margin-top: 40px; padding: 14px 0 30px; color: var(--muted); font-size: 0.85rem; }
/* A phone: tables become cards of labelled lines, the page keeps to the screen's width. */
@media (max-width: 700px) {
  .wrap { padding: 0 14px; }
  header.page h1 { font-size: 1.4rem; }
  dl.env { grid-template-columns: 1fr; }
  dl.env dd { margin-bottom: 6px; }
  table.data thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  table.data, table.data tbody, table.data tr, table.data th, table.data td { display: block; width: 100%; }
  table.data caption { display: block; }
  table.data tr { border-bottom: 2px solid #9ca3af; padding: 6px 0; }
  table.data tbody th, table.data td { border: 0; padding: 3px 0; text-align: left; white-space: normal; min-width: 0; overflow-wrap: anywhere; }
  table.data td::before { content: attr(data-label); display: block; font-size: 0.8rem; font-weight: 600; color: var(--muted); }
  table.data td:empty { display: none; }
  td.num { text-align: left; white-space: normal; }
  .counts .count { flex: 1 1 130px; min-width: 0; }
  .canvas-box, .charts.wide .canvas-box { height: 240px; }
}
@media print { nav.toc { display: none; } header.page { background: #ffffff; color: #000000; } header.page .meta { color: #374151; } }
`;
