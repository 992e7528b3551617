/**
 * Markdown for GitHub (job summaries, PR comments) from data that came from manifests, kubelet
 * messages and results: none of it may become live. After escaping, data cannot make a link, an
 * image, an autolink, an @mention, HTML, emphasis, a heading or a table cell boundary.
 */

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Inline text. Markdown's punctuation is backslash-escaped (CommonMark lets any ASCII punctuation
 * be escaped); `://` and `www.` lose their autolink shape; `@` is escaped (no email autolink) and
 * followed by a zero-width space, since GitHub finds @mentions in the rendered text.
 */
export function mdText(text: string): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const escaped = flat
    .replace(/[\\`*_{}[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, '\\://')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/@/g, `\\@${ZERO_WIDTH_SPACE}`);
  // Block syntax only counts at the start of a line; newlines are gone, so only the start remains.
  // (a heading "# ", a list item "- ", "+ ", "1. "; `>` and `*` are escaped everywhere above).
  return escaped.replace(/^(\s*)([#+-])(?=[\s#+-]|$)/, '$1\\$2').replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2').replace(/^(\s*)(=+\s*)$/, '$1\\$2');
}

/** A table cell of inline text: as mdText (which already escapes `|`). */
export function mdCell(text: string): string {
  return mdText(text);
}

/**
 * A code span: shown verbatim, and inert (GitHub links no mention, URL or HTML inside code). The
 * fence is longer than any backtick run inside. In a table, `|` must still be escaped (GFM splits
 * cells before it reads code spans).
 */
export function mdCode(text: string, options: { inTable?: boolean } = {}): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const content = options.inTable ? flat.replace(/\|/g, '\\|') : flat;
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || (content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '') ? ' ' : '';
  return content === '' ? '' : `${fence}${pad}${content}${pad}${fence}`;
}

/** A GFM table; cells are already Markdown (escape data with mdCell or mdCode first). */
export function mdTable(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
