import type { Verdict } from '../../stats/compare.js';
import { html, type Html } from './escape.js';
import type { ChartSpec } from './charts.js';

export function badge(text: string, tone: 'ok' | 'bad' | 'neutral' | 'warn'): Html {
  return html`<span class="badge ${tone}">${text}</span>`;
}

export function passFail(passed: boolean): Html {
  return passed ? badge('pass', 'ok') : badge('fail', 'bad');
}

export function verdictBadge(verdict: Verdict): Html {
  if (verdict === 'improved') return badge('improved', 'ok');
  if (verdict === 'regressed') return badge('regressed', 'bad');
  return badge('no detectable change', 'neutral');
}

export interface Column {
  label: string;
  numeric?: boolean;
}

/**
 * A data table with a caption and column headers; the first cell of each row is a row header.
 * Each cell carries its column's name (data-label): on a narrow screen the stylesheet lays every
 * row out as a card of labelled lines instead of columns that would not fit. The explicit ARIA
 * roles keep it a table for screen readers when the layout changes.
 */
export function table(caption: string, columns: Column[], rows: (Html | string | number)[][], options: { rowClass?: (index: number) => string } = {}): Html {
  return html`<div class="table-scroll"><table class="data" role="table">
<caption>${caption}</caption>
<thead role="rowgroup"><tr role="row">${columns.map((c) => html`<th scope="col" role="columnheader"${c.numeric ? html` class="num"` : ''}>${c.label}</th>`)}</tr></thead>
<tbody role="rowgroup">${rows.map((row, r) => html`<tr role="row"${options.rowClass?.(r) ? html` class="${options.rowClass(r)}"` : ''}>${row.map((cell, i) => (i === 0
    ? html`<th scope="row" role="rowheader" data-label="${columns[0]?.label ?? ''}">${cell}</th>`
    : html`<td role="cell" data-label="${columns[i]?.label ?? ''}"${columns[i]?.numeric ? html` class="num"` : ''}>${cell}</td>`))}</tr>`)}</tbody>
</table></div>`;
}

/** A chart canvas with its accessible name and the same numbers as a table behind a disclosure. */
export function chartFigure(spec: ChartSpec): Html {
  return html`<figure class="chart">
<figcaption>${spec.title}</figcaption>
<div class="canvas-box"><canvas id="${spec.id}" role="img" aria-label="${spec.ariaLabel}"></canvas></div>
<details><summary>Data table</summary>${table(spec.table.caption, spec.table.headers.map((label, i) => ({ label, numeric: i > 0 })), spec.table.rows)}</details>
</figure>`;
}

export function code(text: string): Html {
  return html`<code>${text}</code>`;
}
