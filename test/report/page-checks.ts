import type { Page } from 'playwright-core';

/** For each chart canvas: its id, accessible name, and whether any pixel was drawn. */
export function canvasStates(page: Page): Promise<{ id: string; label: string | null; role: string | null; drawn: boolean; hasTable: boolean }[]> {
  return page.$$eval('canvas', (canvases) => canvases.map((canvas) => {
    const context = canvas.getContext('2d');
    const pixels = context?.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = false;
    if (pixels) {
      for (let i = 3; i < pixels.length; i += 4) {
        if (pixels[i] !== 0) {
          drawn = true;
          break;
        }
      }
    }
    return {
      id: canvas.id,
      label: canvas.getAttribute('aria-label'),
      role: canvas.getAttribute('role'),
      drawn,
      hasTable: Boolean(canvas.closest('figure')?.querySelector('details table th')),
    };
  }));
}

/** Heading levels in document order. */
export function headingLevels(page: Page): Promise<number[]> {
  return page.$$eval('h1, h2, h3, h4, h5, h6', (headings) => headings.map((h) => Number(h.tagName.slice(1))));
}

/** How many tables lack header cells. */
export function tablesWithoutHeaders(page: Page): Promise<number> {
  return page.$$eval('table', (tables) => tables.filter((t) => t.querySelectorAll('th').length === 0).length);
}

export interface ContrastFailure {
  text: string;
  ratio: number;
  color: string;
  background: string;
}

/**
 * WCAG contrast of every visible element that holds text of its own, against the first opaque
 * background up its ancestors. Returns those below `minimum`.
 */
export function contrastFailures(page: Page, minimum: number): Promise<{ checked: number; failures: ContrastFailure[] }> {
  // Plain JavaScript run in the page: this project compiles without the DOM library.
  return page.evaluate(`(${CONTRAST_IN_PAGE})(${JSON.stringify(minimum)})`);
}

const CONTRAST_IN_PAGE = `function (min) {
  const parse = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const channel = (c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const backgroundOf = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const rgba = parse(getComputedStyle(e).backgroundColor);
      if (rgba.length === 3 || (rgba.length === 4 && rgba[3] > 0.9)) return rgba.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  let checked = 0;
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest('canvas, script, style')) continue;
    const ownText = Array.from(element.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent || '').join('').trim();
    if (!ownText) continue;
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const fg = parse(style.color).slice(0, 3);
    const bg = backgroundOf(element);
    const l1 = luminance(fg);
    const l2 = luminance(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    checked += 1;
    if (ratio < min) failures.push({ text: ownText.slice(0, 60), ratio: Math.round(ratio * 100) / 100, color: style.color, background: 'rgb(' + bg.join(', ') + ')' });
  }
  return { checked, failures };
}`;

export interface HorizontalOverflow {
  viewport: number;
  documentWidth: number;
  /** The page header, the navigation, every main section and the footer. */
  sections: { id: string; scrollWidth: number; right: number }[];
  /** Data tables whose box scrolls sideways (a table that does not fit its column). */
  scrollingTables: string[];
}

/** What sticks out sideways at the current viewport width. Code blocks (pre) may scroll on their own. */
export function horizontalOverflow(page: Page): Promise<HorizontalOverflow> {
  return page.evaluate(`(() => {
    const parts = [document.querySelector('header.page'), document.querySelector('nav.toc'), ...document.querySelectorAll('main section'), document.querySelector('footer')].filter(Boolean);
    return {
      viewport: window.innerWidth,
      documentWidth: document.documentElement.scrollWidth,
      sections: parts.map((el) => ({ id: el.id || el.tagName.toLowerCase(), scrollWidth: el.scrollWidth, right: Math.ceil(el.getBoundingClientRect().right) })),
      scrollingTables: Array.from(document.querySelectorAll('.table-scroll')).filter((box) => box.scrollWidth > box.clientWidth + 1)
        .map((box) => (box.querySelector('caption') || {}).textContent || '(table)'),
    };
  })()`);
}
