// File bytes -> text: UTF-8 (BOM optional), UTF-16 LE/BE by BOM; invalid UTF-8 is reported with a
// Windows-1252 preview so the admin can choose, never decoded as 1252 silently.

export type SourceEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

export interface DecodedText {
  ok: true;
  text: string;
  encoding: SourceEncoding;
  bom: boolean;
}

export interface InvalidUtf8 {
  ok: false;
  /** 1-based line of the first byte sequence that is not UTF-8. */
  line: number;
  /** That line and the first lines of the file, as Windows-1252 would read them. */
  preview: { line: number; text: string }[];
}

const PREVIEW_LINES = 5;

function bomOf(bytes: Uint8Array): { encoding: SourceEncoding; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", length: 2 };
  return undefined;
}

function previewOf(text: string, badLine: number): { line: number; text: string }[] {
  const lines = text.split(/\r\n|\n|\r/);
  const picked = new Set<number>();
  for (let i = 1; i <= Math.min(PREVIEW_LINES, lines.length); i++) picked.add(i);
  picked.add(badLine);
  return [...picked]
    .sort((a, b) => a - b)
    .filter((n) => n <= lines.length)
    .map((n) => ({ line: n, text: lines[n - 1] ?? "" }));
}

/** Decodes a file; `forced` skips detection (the admin chose Windows-1252 after the preview). */
export function decodeBytes(bytes: Uint8Array, forced?: SourceEncoding): DecodedText | InvalidUtf8 {
  const bom = bomOf(bytes);
  if (forced) {
    const skip = bom && bom.encoding === forced ? bom.length : 0;
    return {
      ok: true,
      text: new TextDecoder(forced).decode(bytes.subarray(skip)),
      encoding: forced,
      bom: skip > 0,
    };
  }
  if (bom) {
    const text = new TextDecoder(bom.encoding).decode(bytes.subarray(bom.length));
    return { ok: true, text, encoding: bom.encoding, bom: true };
  }
  try {
    return {
      ok: true,
      text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes),
      encoding: "utf-8",
      bom: false,
    };
  } catch {
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const bad = lossy.indexOf("\uFFFD");
    const line = bad < 0 ? 1 : lossy.slice(0, bad).split(/\r\n|\n|\r/).length;
    return { ok: false, line, preview: previewOf(new TextDecoder("windows-1252").decode(bytes), line) };
  }
}
