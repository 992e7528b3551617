/**
 * Go's `%q` (strconv.Quote), which Kubernetes uses in every sysctl message: `"kernel.msgmax"`.
 * JSON.stringify differs on control characters and non-printable runes (`\x1b` in Go, `\u001b`
 * in JSON), and a hostile allowlist pattern is exactly where those show up, so the messages are
 * quoted as Go quotes them.
 */
const SHORT_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\u0007', '\\a'], ['\b', '\\b'], ['\f', '\\f'], ['\n', '\\n'], ['\r', '\\r'], ['\t', '\\t'], ['\v', '\\v'],
  ['\\', '\\\\'], ['"', '\\"'],
]);

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

export function goQuote(text: string): string {
  // The common case (a sysctl name) needs no escaping at all.
  if (PLAIN.test(text)) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    const short = SHORT_ESCAPES.get(ch);
    if (short) {
      out += short;
      continue;
    }
    const code = ch.codePointAt(0)!;
    // A lone surrogate is not valid UTF-8; Go prints the replacement character's escape for it.
    if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else if (PRINTABLE.test(ch)) out += ch;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
