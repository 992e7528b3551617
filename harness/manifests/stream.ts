import { decodeUtf8 } from '../input/files.js';

/**
 * A manifest stream cut into pieces of whole YAML documents, so that a 100 MB `helm template`
 * output is parsed a megabyte at a time and never held as one parse tree. The cuts fall on
 * document-start lines (`---` at the start of a line): YAML forbids such a line inside any
 * scalar, so it always ends the document before it, and both parsers read the pieces as they would
 * read the whole.
 */
export interface TextChunk {
  readonly text: string;
  /** Lines of the file before this chunk. */
  readonly lineOffset: number;
  /** Bytes of the file before this chunk. */
  readonly byteOffset: number;
}

export const CHUNK_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;
const DASH = 0x2d;
const PERCENT = 0x25;

/**
 * The offset of the last line in `bytes[from..]` that starts a document (`---` then a space, a
 * tab, a line end) after some content, where cutting leaves whole documents before it; -1 if none.
 * A cut just after directive lines (`%YAML`) would separate them from their document: skipped.
 */
export function lastDocumentStart(bytes: Buffer, from = 0): number {
  // (lastIndexOf with a negative offset would count from the end: stop at 0 by hand.)
  for (let newline = bytes.lastIndexOf(NEWLINE); newline >= from; newline = newline > 0 ? bytes.lastIndexOf(NEWLINE, newline - 1) : -1) {
    const start = newline + 1;
    // The line must be complete enough to tell `---` from `----` or `---x`.
    if (start + 3 >= bytes.length) continue;
    if (bytes[start] !== DASH || bytes[start + 1] !== DASH || bytes[start + 2] !== DASH) continue;
    const after = bytes[start + 3];
    if (after !== 0x20 && after !== 0x09 && after !== NEWLINE && after !== 0x0d) continue;
    const previousStart = newline === 0 ? 0 : bytes.lastIndexOf(NEWLINE, newline - 1) + 1;
    if (bytes[previousStart] === PERCENT) continue;
    return start;
  }
  return -1;
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) lines += 1;
  return lines;
}

/**
 * Text chunks of whole documents from a stream of bytes, each valid UTF-8 (a UserError names the
 * first byte that is not). `onBytes` sees every byte count as it arrives, for the size cap: it
 * throws to stop the read.
 */
export async function* documentChunks(
  source: AsyncIterable<Buffer>, file: string, onBytes: (bytes: number) => void, chunkBytes = CHUNK_BYTES,
): AsyncGenerator<TextChunk> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // Without a document start, a piece only grows: look again once it has doubled, so that the
  // search stays linear in the input.
  let nextLook = chunkBytes;
  let byteOffset = 0;
  let lineOffset = 0;
  const emit = (bytes: Buffer): TextChunk => {
    const chunk = { text: decodeUtf8(bytes, file, byteOffset, lineOffset), lineOffset, byteOffset };
    byteOffset += bytes.length;
    lineOffset += countLines(bytes);
    return chunk;
  };
  for await (const piece of source) {
    onBytes(piece.length);
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes < nextLook) continue;
    const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const cut = lastDocumentStart(bytes);
    if (cut <= 0) {
      pending = [bytes];
      nextLook = pendingBytes * 2;
      continue;
    }
    yield emit(bytes.subarray(0, cut));
    const rest = bytes.subarray(cut);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    nextLook = Math.max(chunkBytes, pendingBytes * 2);
  }
  if (pendingBytes > 0) yield emit(pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes));
}
