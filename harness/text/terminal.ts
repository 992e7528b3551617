/**
 * Text that came from input (manifests, scenarios, result files) on its way to a terminal. A
 * chart's names and messages can carry escape sequences that retitle or clear the terminal, or a
 * carriage return that hides the line before it; printed as is, they steer the terminal of
 * whoever reads the output. These helpers make such characters visible instead of acting on them.
 */

// C0 controls except tab and newline, DEL, C1 controls (U+009B is a one-character CSI on some
// terminals), and the bidirectional overrides and isolates that reorder what a line shows
// ("Trojan Source").
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Output text for a terminal: keeps newlines and tabs (the layout), shows every other control character as \xNN. */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** One value inside a line (a name, a path, a message): newlines and tabs are shown too, so data cannot start a line of its own. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_ONE_LINE, visible);
}

/**
 * JSON for a terminal or a pipe: JSON.stringify already escapes C0 controls; this also escapes the
 * C1 controls and bidirectional marks it leaves raw. The data is unchanged for a JSON reader.
 */
export function jsonForTerminal(json: string): string {
  return json.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value from input shown in a message: at most `max` characters, so that a megabyte-long key cannot flood the output. */
export function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * Data with every string made one-line (oneLine), for text renderers that lay out lines
 * themselves: a name holding "\nADMITTED ..." must not print a line of its own. Copies only what
 * changes, so a clean 200,000-workload report costs a walk, not a second report.
 */
export function withOneLineStrings<T>(value: T, depth = 0): T {
  if (typeof value === 'string') {
    UNSAFE_ONE_LINE.lastIndex = 0;
    return (UNSAFE_ONE_LINE.test(value) ? oneLine(value) : value) as T;
  }
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const shown = withOneLineStrings(item, depth + 1);
      if (shown !== item) (out ??= [...value])[index] = shown;
    });
    return (out ?? value) as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const entries = Object.entries(value);
  const shown = entries.map(([, child]) => withOneLineStrings(child, depth + 1));
  if (shown.every((child, index) => child === entries[index]![1])) return value;
  // defineProperty, not assignment: a key named __proto__ stays a key.
  const out = {};
  entries.forEach(([key], index) => Object.defineProperty(out, key, { value: shown[index], enumerable: true, writable: true, configurable: true }));
  return out as T;
}
