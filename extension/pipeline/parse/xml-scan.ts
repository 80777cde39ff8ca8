// A small streaming XML scanner over bytes, for the parts of an .xlsx: fed chunk by chunk as they
// are inflated, it reports each element's start (attributes read on demand) and end, and the text
// between tags when the handler asks for it. A tag or text cut by a chunk's end waits for the next
// chunk. Element and attribute names are local (a prefix such as `x:` is dropped). A part in UTF-16
// (by its byte order mark or its first bytes) or declaring another encoding is decoded and scanned
// as UTF-8; line ends in text read as "\n", as XML's end-of-line handling says.
// Every string it returns is a fresh copy, never a view of a chunk that would keep the chunk alive.

export interface XmlHandler {
  /** An element starts; attributes are read with `scan.attribute` during this call. */
  open(name: string, scan: XmlScanner): void;
  /** An element ends (right after `open` for an empty element such as `<c r="A1"/>`). */
  close(name: string): void;
  /** Whether text is wanted now (text is decoded only then). */
  readonly wantsText: boolean;
  /** Text with entities decoded; an element's text may come in several pieces. */
  text(value: string): void;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const COLON = 0x3a;
const QUOT = 0x22;
const APOS = 0x27;
const EQUALS = 0x3d;
const AMP = 0x26;
const CR = 0x0d;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

const utf8 = new TextDecoder();
const codes: number[] = [];

/** Bytes `start`..`end` as text (a new string, not a view of the bytes' chunk). */
function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length <= 1024) {
    codes.length = length;
    let i = 0;
    for (; i < length; i++) {
      const b = bytes[start + i] as number;
      if (b >= 0x80) break;
      codes[i] = b;
    }
    if (i === length) return String.fromCharCode.apply(null, codes);
  }
  return utf8.decode(bytes.subarray(start, end));
}

/** Where the encoding is decided: the XML declaration's end is looked for no further. */
const DECLARATION_MAX = 512;
const XML_DECL = [LT, QUESTION, 0x78, 0x6d, 0x6c]; // <?xml

/**
 * The decoder for a part not in UTF-8: UTF-16 by its byte order mark or its first bytes ("<?" as
 * two-byte characters), else the encoding an ASCII-compatible declaration names (one the platform
 * does not know, or UTF-16 claimed by bytes that are not, is read as UTF-8).
 */
function decoderFor(head: Uint8Array): TextDecoder | undefined {
  const [a, b, c, d] = head;
  if ((a === 0xff && b === 0xfe) || (a === LT && b === 0 && c === QUESTION && d === 0))
    return new TextDecoder("utf-16le");
  if ((a === 0xfe && b === 0xff) || (a === 0 && b === LT && c === 0 && d === QUESTION))
    return new TextDecoder("utf-16be");
  if (indexOf(head, XML_DECL, 0) !== 0) return undefined;
  const end = indexOf(head, [QUESTION, GT], 0);
  const declaration = String.fromCharCode(...head.subarray(0, end < 0 ? head.length : end));
  const label = /\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(declaration)?.[1];
  if (label === undefined) return undefined;
  try {
    const decoder = new TextDecoder(label);
    return decoder.encoding === "utf-8" || decoder.encoding.startsWith("utf-16") ? undefined : decoder;
  } catch {
    return undefined;
  }
}

/** Whether `head` is enough to decide the encoding: its first 5 bytes, and its declaration whole. */
function decidable(head: Uint8Array): boolean {
  if (head.length < XML_DECL.length) return false;
  if (indexOf(head, XML_DECL, 0) !== 0) return true;
  return head.length >= DECLARATION_MAX || indexOf(head, [QUESTION, GT], 0) >= 0;
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML's five named entities and numeric character references; anything else stays as written. */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED[ref] as string;
    const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** `text` (bytes s..e of `bytes`) with its line ends, "\r\n" or a lone "\r", as "\n". */
function lineEnds(bytes: Uint8Array, s: number, e: number, text: string): string {
  return bytes.subarray(s, e).indexOf(CR) < 0 ? text : text.replace(/\r\n?/g, "\n");
}

function indexOf(bytes: Uint8Array, pattern: readonly number[], from: number): number {
  const first = pattern[0] as number;
  for (let i = bytes.indexOf(first, from); i >= 0; i = bytes.indexOf(first, i + 1)) {
    if (i + pattern.length > bytes.length) return -1;
    let k = 1;
    while (k < pattern.length && bytes[i + k] === pattern[k]) k++;
    if (k === pattern.length) return i;
  }
  return -1;
}

const EMPTY = new Uint8Array(0);
const COMMENT_END = [0x2d, 0x2d, GT]; // -->
const CDATA_END = [0x5d, 0x5d, GT]; // ]]>
const PI_END = [QUESTION, GT];
const CDATA_START = [LT, BANG, 0x5b, 0x43, 0x44, 0x41, 0x54, 0x41, 0x5b]; // <![CDATA[

const utf8Encoder = new TextEncoder();

export class XmlScanner {
  private readonly handler: XmlHandler;
  /** The first bytes, until the encoding is decided (undefined from then on). */
  private head: Uint8Array | undefined = EMPTY;
  /** A part not in UTF-8: its decoder (its text is re-encoded as UTF-8 for the scan). */
  private decoder: TextDecoder | undefined;
  /** Bytes carried over from the last chunk (an unfinished tag or text), at the start of `work`. */
  private carried = 0;
  private work = new Uint8Array(0);
  private buf: Uint8Array = EMPTY;
  /** The current start tag's attributes: bytes attrStart..attrEnd of buf. */
  private attrStart = 0;
  private attrEnd = 0;
  private readonly names = new Map<number, string>();

  constructor(handler: XmlHandler) {
    this.handler = handler;
  }

  push(bytes: Uint8Array): void {
    let chunk = bytes;
    if (this.head !== undefined) {
      const head = new Uint8Array(this.head.length + chunk.length);
      head.set(this.head);
      head.set(chunk, this.head.length);
      if (!decidable(head)) {
        this.head = head;
        return;
      }
      chunk = this.decide(head);
    }
    if (this.decoder) chunk = utf8Encoder.encode(this.decoder.decode(chunk, { stream: true }));
    this.scan(chunk);
  }

  /** The encoding decided on the first bytes: those bytes, without a UTF-8 byte order mark. */
  private decide(head: Uint8Array): Uint8Array {
    this.head = undefined;
    this.decoder = decoderFor(head);
    return head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
  }

  private scan(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.carried > 0) {
      this.reserve(this.carried + chunk.length);
      this.work.set(chunk, this.carried);
      buf = this.work.subarray(0, this.carried + chunk.length);
      this.carried = 0;
    }
    this.buf = buf;
    const handler = this.handler;
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      const lt = buf.indexOf(LT, pos);
      if (lt < 0) break;
      if (lt > pos && handler.wantsText) handler.text(this.text(pos, lt));
      const next = buf[lt + 1];
      let end: number;
      if (next === undefined) {
        pos = lt;
        break;
      }
      if (next === BANG) {
        if (lt + 9 > n) {
          pos = lt;
          break;
        }
        if (indexOf(buf, CDATA_START, lt) === lt) {
          end = indexOf(buf, CDATA_END, lt + 9);
          if (end < 0) {
            pos = lt;
            break;
          }
          if (handler.wantsText) handler.text(lineEnds(buf, lt + 9, end, decodeUtf8(buf, lt + 9, end)));
          pos = end + 3;
          continue;
        }
        // A comment, or a declaration such as <!DOCTYPE …> (skipped: no entity is ever expanded).
        end = buf[lt + 2] === 0x2d ? indexOf(buf, COMMENT_END, lt + 4) : buf.indexOf(GT, lt);
        if (end < 0) {
          pos = lt;
          break;
        }
        pos = end + (buf[lt + 2] === 0x2d ? 3 : 1);
        continue;
      }
      if (next === QUESTION) {
        end = indexOf(buf, PI_END, lt + 2);
        if (end < 0) {
          pos = lt;
          break;
        }
        pos = end + 2;
        continue;
      }
      // A start or end tag: its '>' is the first one outside a quoted attribute value.
      let quote = 0;
      end = -1;
      for (let i = lt + 1; i < n; i++) {
        const b = buf[i] as number;
        if (quote !== 0) {
          if (b === quote) quote = 0;
        } else if (b === GT) {
          end = i;
          break;
        } else if (b === QUOT || b === APOS) quote = b;
      }
      if (end < 0) {
        pos = lt;
        break;
      }
      if (next === SLASH) {
        handler.close(this.name(lt + 2, end));
      } else {
        const empty = buf[end - 1] === SLASH;
        let nameEnd = lt + 1;
        while (nameEnd < end && !isSpace(buf[nameEnd] as number) && buf[nameEnd] !== SLASH) nameEnd++;
        const name = this.name(lt + 1, nameEnd);
        this.attrStart = nameEnd;
        this.attrEnd = empty ? end - 1 : end;
        handler.open(name, this);
        if (empty) handler.close(name);
      }
      pos = end + 1;
    }
    if (pos < n) {
      if (buf === chunk) {
        this.reserve(n - pos);
        this.work.set(chunk.subarray(pos));
      } else this.work.copyWithin(0, pos, n);
      this.carried = n - pos;
    }
    this.buf = EMPTY;
  }

  /** `work` holding at least `size` bytes, its carried bytes kept. */
  private reserve(size: number): void {
    if (this.work.length >= size) return;
    const work = new Uint8Array(Math.max(size, this.work.length * 2, 65_536));
    work.set(this.work.subarray(0, this.carried));
    this.work = work;
  }

  /** The document ended: an unfinished tag means the part was cut short. */
  end(): void {
    if (this.head !== undefined) {
      const head = this.decide(this.head);
      this.scan(this.decoder ? utf8Encoder.encode(this.decoder.decode(head, { stream: true })) : head);
    }
    if (this.decoder) this.scan(utf8Encoder.encode(this.decoder.decode()));
    const open = this.work.subarray(0, this.carried).indexOf(LT) >= 0;
    this.carried = 0;
    if (open) throw new Error("The XML ends inside a tag");
  }

  /** The local name in bytes start..end (up to whitespace). */
  private name(start: number, end: number): string {
    const buf = this.buf;
    let e = start;
    while (e < end && !isSpace(buf[e] as number)) e++;
    let s = start;
    for (let i = start; i < e; i++) if (buf[i] === COLON) s = i + 1;
    return this.intern(s, e);
  }

  /** Bytes s..e as text, one string shared between equal short texts (names, attribute values). */
  private intern(s: number, e: number): string {
    const buf = this.buf;
    let hash = e - s;
    for (let i = s; i < e; i++) hash = (hash * 31 + (buf[i] as number)) | 0;
    const known = this.names.get(hash);
    if (known !== undefined && known.length === e - s) {
      let same = true;
      for (let i = 0; i < known.length; i++)
        if (known.charCodeAt(i) !== buf[s + i]) {
          same = false;
          break;
        }
      if (same) return known;
    }
    const text = decodeUtf8(buf, s, e);
    if (known === undefined && this.names.size < 4096) this.names.set(hash, text);
    return text;
  }

  /** Finds the current start tag's attribute named `local` (prefix ignored): its value in valueStart..valueEnd. */
  private find(local: string): boolean {
    const buf = this.buf;
    const end = this.attrEnd;
    let i = this.attrStart;
    while (i < end) {
      while (i < end && isSpace(buf[i] as number)) i++;
      const nameStart = i;
      let localStart = i;
      while (i < end && buf[i] !== EQUALS && !isSpace(buf[i] as number)) {
        if (buf[i] === COLON) localStart = i + 1;
        i++;
      }
      const nameEnd = i;
      while (i < end && buf[i] !== QUOT && buf[i] !== APOS) i++;
      const quote = buf[i];
      const valueStart = i + 1;
      i = valueStart;
      while (i < end && buf[i] !== quote) i++;
      if (nameEnd > nameStart && nameEnd - localStart === local.length) {
        let k = 0;
        while (k < local.length && buf[localStart + k] === local.charCodeAt(k)) k++;
        if (k === local.length) {
          this.valueStart = valueStart;
          this.valueEnd = Math.min(i, end);
          return true;
        }
      }
      i++;
    }
    return false;
  }

  private valueStart = 0;
  private valueEnd = 0;

  /** Text or an attribute value in bytes s..e, line ends as "\n", entities decoded. */
  private text(s: number, e: number): string {
    const buf = this.buf;
    for (let i = s; i < e; i++) {
      const b = buf[i];
      if (b === AMP || b === CR) return decodeEntities(lineEnds(buf, s, e, decodeUtf8(buf, s, e)));
    }
    return e - s <= 8 ? this.intern(s, e) : decodeUtf8(buf, s, e);
  }

  /** The current start tag's attribute named `local` (prefix ignored), entities decoded. */
  attribute(local: string): string | undefined {
    return this.find(local) ? this.text(this.valueStart, this.valueEnd) : undefined;
  }

  /** The current start tag's attribute named `local` read from its raw bytes by `read` (no string made). */
  attributeWith<T>(local: string, read: (bytes: Uint8Array, start: number, end: number) => T): T | undefined {
    return this.find(local) ? read(this.buf, this.valueStart, this.valueEnd) : undefined;
  }
}
