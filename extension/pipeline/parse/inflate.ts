// Raw DEFLATE (RFC 1951) decoding fed piece by piece, writing into one reused buffer: the output
// goes to `onOutput` as views of that buffer (valid only during the call), so inflating a 75 MB
// sheet allocates no 75 MB of chunks for the garbage collector to find later, as the platform's
// DecompressionStream does. A corrupt stream throws InflateError.

export class InflateError extends Error {}

const WINDOW = 32_768;
const OUT_SIZE = 4 * WINDOW;
/** Flush before a symbol could run past the buffer (the longest match is 258 bytes). */
const FLUSH_AT = OUT_SIZE - 258;
/** Input kept back until the last piece: enough for any single step (a block header is the longest). */
const MARGIN = 1024;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

interface Huffman {
  /** By the next `bits` input bits (LSB first): symbol << 4 | code length; 0 when no code. */
  table: Uint32Array;
  bits: number;
}

function huffman(lengths: ArrayLike<number>, count: number): Huffman {
  let bits = 0;
  const perLength = new Uint16Array(16);
  for (let i = 0; i < count; i++) {
    const l = lengths[i] as number;
    perLength[l] = (perLength[l] as number) + 1;
    if (l > bits) bits = l;
  }
  perLength[0] = 0;
  const next = new Uint16Array(16);
  for (let l = 1, code = 0; l <= 15; l++) {
    code = (code + (perLength[l - 1] as number)) << 1;
    next[l] = code;
  }
  const table = new Uint32Array(1 << bits);
  for (let symbol = 0; symbol < count; symbol++) {
    const l = lengths[symbol] as number;
    if (l === 0) continue;
    const code = next[l] as number;
    next[l] = code + 1;
    if (code >= 1 << l) throw new InflateError("oversubscribed Huffman code");
    let reversed = 0;
    for (let i = 0; i < l; i++) reversed |= ((code >> i) & 1) << (l - 1 - i);
    for (let k = reversed; k < table.length; k += 1 << l) table[k] = (symbol << 4) | l;
  }
  return { table, bits };
}

const FIXED_LITERALS = huffman(
  Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)),
  288,
);
const FIXED_DISTANCES = huffman(new Array(30).fill(5), 30);

const HEADER = 0;
const STORED = 1;
const CODES = 2;
const DONE = 3;

export class Inflater {
  private readonly onOutput: (bytes: Uint8Array) => void;
  private readonly out = new Uint8Array(OUT_SIZE);
  private at = 0;
  private flushed = 0;
  private input: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  private bitBuf = 0;
  private bitCount = 0;
  private state = HEADER;
  private last = false;
  private storedLeft = 0;
  private literals: Huffman = FIXED_LITERALS;
  private distances: Huffman = FIXED_DISTANCES;

  constructor(onOutput: (bytes: Uint8Array) => void) {
    this.onOutput = onOutput;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  /** The next piece of compressed input; `final` for the last. */
  push(piece: Uint8Array, final: boolean): void {
    const left = this.end - this.pos;
    if (left > 0) {
      const input = new Uint8Array(left + piece.length);
      input.set(this.input.subarray(this.pos, this.end));
      input.set(piece, left);
      this.input = input;
    } else this.input = piece;
    this.pos = 0;
    this.end = this.input.length;
    this.run(final);
    this.flush();
    if (final && this.state !== DONE) throw new InflateError("the compressed data ends early");
  }

  private flush(): void {
    if (this.at > this.flushed) this.onOutput(this.out.subarray(this.flushed, this.at));
    if (this.at >= FLUSH_AT) {
      this.out.copyWithin(0, this.at - WINDOW, this.at);
      this.at = WINDOW;
    }
    this.flushed = this.at;
  }

  private bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.end) throw new InflateError("the compressed data ends early");
      this.bitBuf |= (this.input[this.pos++] as number) << this.bitCount;
      this.bitCount += 8;
    }
    const value = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return value;
  }

  private symbol(code: Huffman): number {
    while (this.bitCount < code.bits && this.pos < this.end) {
      this.bitBuf |= (this.input[this.pos++] as number) << this.bitCount;
      this.bitCount += 8;
    }
    const entry = code.table[this.bitBuf & ((1 << code.bits) - 1)] as number;
    const length = entry & 15;
    if (length === 0 || length > this.bitCount) throw new InflateError("bad Huffman code");
    this.bitBuf >>>= length;
    this.bitCount -= length;
    return entry >>> 4;
  }

  private run(final: boolean): void {
    const out = this.out;
    for (;;) {
      const room = final ? 0 : MARGIN;
      if (this.state === DONE) return;
      if (this.state === HEADER) {
        if (this.last) {
          this.state = DONE;
          return;
        }
        if (this.end - this.pos < room) return;
        this.last = this.bits(1) === 1;
        const type = this.bits(2);
        if (type === 0) {
          this.bits(this.bitCount & 7);
          const length = this.bits(16);
          if ((length ^ 0xffff) !== this.bits(16)) throw new InflateError("bad stored block length");
          this.storedLeft = length;
          this.state = STORED;
        } else if (type === 1) {
          this.literals = FIXED_LITERALS;
          this.distances = FIXED_DISTANCES;
          this.state = CODES;
        } else if (type === 2) {
          this.readTables();
          this.state = CODES;
        } else throw new InflateError("bad block type");
      } else if (this.state === STORED) {
        if (this.at >= FLUSH_AT) this.flush();
        // Whole bytes still in the bit buffer come first.
        while (this.bitCount >= 8 && this.storedLeft > 0) {
          out[this.at++] = this.bits(8);
          this.storedLeft--;
        }
        const n = Math.min(this.storedLeft, this.end - this.pos, FLUSH_AT - this.at);
        out.set(this.input.subarray(this.pos, this.pos + n), this.at);
        this.pos += n;
        this.at += n;
        this.storedLeft -= n;
        if (this.storedLeft === 0) this.state = HEADER;
        else if (this.pos >= this.end) return;
      } else {
        // Compressed codes: at most 48 bits a step, so 8 bytes of input suffice until the last piece.
        const guard = final ? 0 : 8;
        while (this.end - this.pos >= guard) {
          if (this.at >= FLUSH_AT) this.flush();
          const symbol = this.symbol(this.literals);
          if (symbol < 256) {
            out[this.at++] = symbol;
            continue;
          }
          if (symbol === 256) {
            this.state = HEADER;
            break;
          }
          const l = symbol - 257;
          if (l >= 29) throw new InflateError("bad length code");
          const length = (LENGTH_BASE[l] as number) + this.bits(LENGTH_EXTRA[l] as number);
          const d = this.symbol(this.distances);
          if (d >= 30) throw new InflateError("bad distance code");
          const distance = (DIST_BASE[d] as number) + this.bits(DIST_EXTRA[d] as number);
          if (distance > this.at) throw new InflateError("distance before the start");
          for (let i = 0; i < length; i++, this.at++) out[this.at] = out[this.at - distance] as number;
        }
        if (this.state === CODES) {
          if (final) throw new InflateError("the compressed data ends early");
          return;
        }
      }
    }
  }

  private readTables(): void {
    const literalCount = this.bits(5) + 257;
    const distanceCount = this.bits(5) + 1;
    const lengthCount = this.bits(4) + 4;
    const codeLengths = new Uint8Array(19);
    for (let i = 0; i < lengthCount; i++) codeLengths[CODE_LENGTH_ORDER[i] as number] = this.bits(3);
    const lengthCode = huffman(codeLengths, 19);
    const lengths = new Uint8Array(literalCount + distanceCount);
    for (let i = 0; i < lengths.length; ) {
      const symbol = this.symbol(lengthCode);
      if (symbol < 16) lengths[i++] = symbol;
      else {
        let repeat: number;
        let value = 0;
        if (symbol === 16) {
          if (i === 0) throw new InflateError("bad code lengths");
          value = lengths[i - 1] as number;
          repeat = 3 + this.bits(2);
        } else if (symbol === 17) repeat = 3 + this.bits(3);
        else repeat = 11 + this.bits(7);
        if (i + repeat > lengths.length) throw new InflateError("bad code lengths");
        lengths.fill(value, i, i + repeat);
        i += repeat;
      }
    }
    if (lengths[256] === 0) throw new InflateError("no end-of-block code");
    this.literals = huffman(lengths.subarray(0, literalCount), literalCount);
    this.distances = huffman(lengths.subarray(literalCount), distanceCount);
  }
}
