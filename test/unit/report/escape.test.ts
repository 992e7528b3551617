import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonForScript, raw } from '../../../harness/report/html/escape.js';

describe('HTML escaping', () => {
  it('escapes the five significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes every interpolated value in the html tag, except raw() and nested html', () => {
    const name = '<script>alert(1)</script>';
    expect(html`<p>${name}</p>`.value).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html`<p>${raw('<b>ok</b>')}${html`<i>${'<'}</i>`}</p>`.value).toBe('<p><b>ok</b><i>&lt;</i></p>');
    expect(html`${[1, '<', null, undefined, false]}`.value).toBe('1&lt;');
  });

  it('keeps JSON for a script element from closing it', () => {
    const text = jsonForScript({ a: '</script><script>alert(1)</script>', b: '\u2028' });
    expect(text).not.toContain('</script');
    expect(JSON.parse(text)).toEqual({ a: '</script><script>alert(1)</script>', b: '\u2028' });
  });
});
