// Record keys without a Map of strings. Every record that has a key becomes an entry, numbered
// 0, 1, … in the order added, holding its key's hash (of the text's char codes, case-folded on the
// fly when the schema compares keys case-insensitively, so no string is allocated per record)
// and its parts. The first entry of a key is found either at once (`firstOf`: an open-addressing
// table in typed arrays) or later for a whole run of entries (`add`, then `settle`: one bucket
// pass over their hashes, written and read in order, instead of a random probe of a large table
// per record, which misses the cache). Two keys are the same exactly when `recordKey` gives them
// the same text; a differential test holds that.
import type { ContextSchema, IntakeRecord, JsonValue } from "./types.ts";

/** A part of a key: text (compared case-folded when the schema says so) or the JSON of another value. */
const TEXT = 0;
const OTHER = 1;

const EMPTY = 0;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Mixed in after each part: beyond any char code, so a part cannot run into the next. */
export const PART_END = 0x1_0000;
/** About how many entries share a bucket when settling, so a bucket's table stays in the fastest cache. */
const BUCKET_ENTRIES = 256;
/**
 * Entries per chunk of the lists of key parts: lists of references are kept in small pieces
 * because one large one costs far more to make (a fresh large allocation) than many small ones.
 */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;

export const mix = (h: number, c: number): number => Math.imul(h ^ c, FNV_PRIME);

/** Where the hash of a key whose first part is text starts. */
export const TEXT_START = mix(FNV_OFFSET, TEXT + 1);

/**
 * The last text whose case-folded hash (`hashText(TEXT_START, text, true)`) a scan over it
 * already computed (the email check reads every char anyway), so a key of that text is not read
 * again. Compared by value when it is used, so a stale note can only cost time.
 */
let notedText: string | undefined;
let notedHash = 0;

/** Notes `hash` as `hashText(TEXT_START, text, true)` (see `notedText`). */
export function noteFoldedHash(text: string, hash: number): void {
  notedText = text;
  notedHash = hash;
}

/** The hash of `text`'s char codes, two at a time, ASCII letters folded when `fold` (others via toLowerCase). */
function hashText(h: number, text: string, fold: boolean): number {
  if (!fold) return hashLowered(h, text);
  const start = h;
  const n = text.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let a = text.charCodeAt(i);
    let b = text.charCodeAt(i + 1);
    if ((a | b) >= 0x80) return hashLowered(start, text.toLowerCase());
    if (a >= 0x41 && a <= 0x5a) a += 0x20;
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    h = mix(h, a | (b << 16));
  }
  if (i < n) {
    let a = text.charCodeAt(i);
    if (a >= 0x80) return hashLowered(start, text.toLowerCase());
    if (a >= 0x41 && a <= 0x5a) a += 0x20;
    h = mix(h, a);
  }
  return mix(h, PART_END);
}

/**
 * The hash of `text`'s char codes as they are, two at a time: `hashText` on text that is already
 * lower case, or when nothing is folded.
 */
function hashLowered(h: number, lower: string): number {
  const n = lower.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mix(h, lower.charCodeAt(i) | (lower.charCodeAt(i + 1) << 16));
  if (i < n) h = mix(h, lower.charCodeAt(i));
  return mix(h, PART_END);
}

/** Whether two texts are equal after toLowerCase(), comparing ASCII in place. */
export function sameFolded(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      let x = a.charCodeAt(i);
      let y = b.charCodeAt(i);
      if (x === y) continue;
      if (x >= 0x80 || y >= 0x80) return a.toLowerCase() === b.toLowerCase();
      if (x >= 0x41 && x <= 0x5a) x += 0x20;
      if (y >= 0x41 && y <= 0x5a) y += 0x20;
      if (x !== y) return false;
    }
    return true;
  }
  // Lengths differ: only lower-casing a non-ASCII character can change a length.
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) >= 0x80) return a.toLowerCase() === b.toLowerCase();
  for (let i = 0; i < b.length; i++) if (b.charCodeAt(i) >= 0x80) return a.toLowerCase() === b.toLowerCase();
  return false;
}

/** Final avalanche, so the bits used for the bucket and the slot depend on every char. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The hash of a record's key (`fields`, text compared case-folded when `fold`), or undefined when
 * a key field is missing. Two records whose `recordKey` texts are equal have the same hash.
 */
export function keyHash(record: IntakeRecord, fields: readonly string[], fold: boolean): number | undefined {
  let h = FNV_OFFSET;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    // Own fields only: a key field named toString or valueOf is missing, not Object.prototype's.
    if (!Object.hasOwn(record, field)) return undefined;
    const value = record[field];
    if (value === undefined) return undefined;
    if (typeof value === "string") {
      h = i === 0 && fold && value === notedText ? notedHash : hashText(mix(h, TEXT + 1), value, fold);
    } else {
      // As recordKey: a non-text value stands for its JSON, so 1 and "1" differ but 1 and 1.0 do not.
      h = hashText(mix(h, OTHER + 1), JSON.stringify(value), false);
    }
  }
  return finish(h);
}

/**
 * The records' keys as numbered entries. `firstOf` adds a record's key and answers at once the
 * entry it repeats; `add` only adds it, and `settle` then answers for every entry added since.
 * The two mix: `firstOf` wants every entry settled first.
 */
export class KeyIndex {
  private readonly fields: readonly string[];
  private readonly fold: boolean;
  private readonly width: number;
  /** Per entry: its key's hash. */
  private hashes: Int32Array;
  /**
   * Per entry × part, in chunks of CHUNK entries: the part's text (the record's own string, or
   * the JSON of another value).
   */
  private readonly texts: string[][] = [];
  /** Per entry × part: TEXT or OTHER; made on the first part that is not text (all TEXT until then). */
  private kinds: Uint8Array | undefined;
  /** Per entry × part that is not text: the value itself (as the record held it). */
  private readonly others = new Map<number, JsonValue>();
  private count = 0;
  /** Entries [0, indexed) are in `slots`. */
  private indexed = 0;
  /** Entries [0, settled) have been answered (by `firstOf` or `settle`). */
  private settled = 0;
  /**
   * Per slot, two entries side by side: 1 + the number of the first entry of a key (or EMPTY),
   * and the key's hash, so a probe reads one place in memory and compares texts only on a
   * matching hash. Made on the first `firstOf`.
   */
  private slots: Int32Array | undefined;
  /** Keys in `slots` (first entries). */
  private used = 0;

  /** `expected`: how many records to make room for at once (a dataset's record count), sparing regrowth. */
  constructor(schema: ContextSchema, expected = 0) {
    this.fields = schema["x-intake-key"];
    this.fold = schema["x-intake-key-case-insensitive"] === true;
    this.width = this.fields.length;
    this.hashes = new Int32Array(Math.max(256, expected));
  }

  /** The text of part `i` of entry `id`. */
  private textOf(id: number, i: number): string {
    return (this.texts[id >> CHUNK_BITS] as string[])[(id & (CHUNK - 1)) * this.width + i] as string;
  }

  /** How many entries (records with a key) there are. */
  get size(): number {
    return this.count;
  }

  /** How many entries wait for `settle`. */
  get unsettled(): number {
    return this.count - this.settled;
  }

  /**
   * Adds the record's key as the next entry, without looking for an earlier equal one (`settle`
   * does): its number, or -1 when a key field is missing (no entry then).
   */
  add(record: IntakeRecord): number {
    return this.enter(record) ? this.count - 1 : -1;
  }

  /**
   * Adds the record's key as the next entry and answers the number of the first entry with the
   * same key, or -1 when it is the first; -2 when a key field is missing (no entry then).
   * Throws when entries added by `add` are waiting for `settle`.
   */
  firstOf(record: IntakeRecord): number {
    if (this.settled < this.count) throw new Error("KeyIndex.firstOf() before settle()");
    if (!this.enter(record)) return -2;
    const id = this.count - 1;
    // Entries settled by a bucket pass join the table first (their answers are known).
    while (this.indexed < id) this.probe(this.indexed++);
    this.indexed = this.count;
    this.settled = this.count;
    return this.probe(id);
  }

  /**
   * Answers for every entry added since the last `settle` (or `firstOf`), in order: pairs of
   * numbers (entry, first entry with its key) for those whose key an earlier entry has; the
   * entries with a new key are left out.
   */
  settle(): number[] {
    const from = this.settled;
    const to = this.count;
    const found: number[] = [];
    if (from === to) return found;
    if (this.indexed === 0 && from === 0) this.bucketPass(found);
    else {
      for (let id = this.indexed; id < to; id++) {
        const first = this.probe(id);
        if (id >= from && first >= 0) found.push(id, first);
      }
      this.indexed = to;
    }
    this.settled = to;
    return found;
  }

  /** The hash of an entry's key. */
  hashOf(id: number): number {
    return this.hashes[id] as number;
  }

  /** The key field values of an entry, as its record held them (for a message). */
  valuesOf(id: number): Record<string, JsonValue> {
    const out = new Map<string, JsonValue>();
    const base = id * this.width;
    for (let i = 0; i < this.width; i++) {
      out.set(
        this.fields[i] as string,
        this.kinds !== undefined && this.kinds[base + i] === OTHER
          ? (this.others.get(base + i) as JsonValue)
          : this.textOf(id, i),
      );
    }
    // Own data properties whatever the field names.
    return Object.fromEntries(out);
  }

  /** Stores the record's key as entry `count` and counts it; false when a key field is missing. */
  private enter(record: IntakeRecord): boolean {
    const h = keyHash(record, this.fields, this.fold);
    if (h === undefined) return false;
    const id = this.count;
    if (id >= this.hashes.length) this.grow();
    const width = this.width;
    const base = id * width;
    const slot = id & (CHUNK - 1);
    if (slot === 0 && this.texts.length === id >> CHUNK_BITS) this.texts.push(new Array(CHUNK * width));
    const texts = this.texts[id >> CHUNK_BITS] as string[];
    for (let i = 0; i < width; i++) {
      const value = record[this.fields[i] as string] as JsonValue;
      if (typeof value === "string") {
        texts[slot * width + i] = value;
        if (this.kinds !== undefined) this.kinds[base + i] = TEXT;
      } else {
        texts[slot * width + i] = JSON.stringify(value);
        this.kinds ??= new Uint8Array(this.hashes.length * width);
        this.kinds[base + i] = OTHER;
        this.others.set(base + i, value);
      }
    }
    this.hashes[id] = h;
    this.count = id + 1;
    return true;
  }

  /** Whether entries `a` and `b` have the same key (their hashes are equal). */
  private same(a: number, b: number): boolean {
    const width = this.width;
    const kinds = this.kinds;
    for (let i = 0; i < width; i++) {
      const x = this.textOf(a, i);
      const y = this.textOf(b, i);
      const kind = kinds === undefined ? TEXT : (kinds[a * width + i] as number);
      if (kinds !== undefined && kinds[b * width + i] !== kind) return false;
      if (!(kind === TEXT && this.fold ? sameFolded(x, y) : x === y)) return false;
    }
    return true;
  }

  /** The first entry with entry `id`'s key from the table, or -1 after putting `id` in as the first of its key. */
  private probe(id: number): number {
    const h = this.hashes[id] as number;
    if (this.slots === undefined) this.slots = new Int32Array(2 * this.slotCount(this.hashes.length));
    let slots = this.slots;
    let mask = (slots.length >> 1) - 1;
    let at = h & mask;
    for (;;) {
      const slot = slots[2 * at] as number;
      if (slot === EMPTY) break;
      if (slots[2 * at + 1] === h && this.same(slot - 1, id)) return slot - 1;
      at = (at + 1) & mask;
    }
    slots[2 * at] = id + 1;
    slots[2 * at + 1] = h;
    // At most half the slots taken, so probes stay short.
    if (++this.used * 2 > slots.length >> 1) {
      slots = this.growSlots();
      mask = (slots.length >> 1) - 1;
    }
    return -1;
  }

  /** A power of two of at least twice `keys` slots. */
  private slotCount(keys: number): number {
    let n = 1024;
    while (n < keys * 2) n *= 2;
    return n;
  }

  private growSlots(): Int32Array {
    const old = this.slots as Int32Array;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let s = 0; s < old.length; s += 2) {
      const slot = old[s] as number;
      if (slot === EMPTY) continue;
      const h = old[s + 1] as number;
      let at = h & mask;
      while (slots[2 * at] !== EMPTY) at = (at + 1) & mask;
      slots[2 * at] = slot;
      slots[2 * at + 1] = h;
    }
    this.slots = slots;
    return slots;
  }

  private grow(): void {
    const room = this.hashes.length * 2;
    const hashes = new Int32Array(room);
    hashes.set(this.hashes);
    this.hashes = hashes;
    if (this.kinds !== undefined) {
      const kinds = new Uint8Array(room * this.width);
      kinds.set(this.kinds);
      this.kinds = kinds;
    }
  }

  /**
   * Settles entries [0, count) with none in the table: the entries are spread into buckets by the
   * top bits of their hash (in entry order), then each bucket gets a small table of its own.
   */
  private bucketPass(found: number[]): void {
    const n = this.count;
    const hashes = this.hashes;
    let bits = 0;
    while (bits < 24 && BUCKET_ENTRIES << bits < n) bits++;
    const buckets = 1 << bits;
    const shift = 32 - bits;
    // Where each bucket starts in `order`.
    const start = new Int32Array(buckets + 1);
    if (bits === 0) start[1] = n;
    else {
      for (let id = 0; id < n; id++) {
        const b = ((hashes[id] as number) >>> shift) + 1;
        start[b] = (start[b] as number) + 1;
      }
      for (let b = 0; b < buckets; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
    }
    const order = new Int32Array(n);
    if (bits === 0) for (let id = 0; id < n; id++) order[id] = id;
    else {
      const next = start.slice(0, buckets);
      for (let id = 0; id < n; id++) {
        const b = (hashes[id] as number) >>> shift;
        const at = next[b] as number;
        order[at] = id;
        next[b] = at + 1;
      }
    }
    let largest = 0;
    for (let b = 0; b < buckets; b++)
      largest = Math.max(largest, (start[b + 1] as number) - (start[b] as number));
    let size = 16;
    while (size < largest * 2) size *= 2;
    const table = new Int32Array(size);
    const mask = table.length - 1;
    /** Per entry: the first entry with its key, or -1; made on the first repeat. */
    let firsts: Int32Array | undefined;
    for (let b = 0; b < buckets; b++) {
      const end = start[b + 1] as number;
      for (let k = start[b] as number; k < end; k++) {
        const id = order[k] as number;
        const h = hashes[id] as number;
        let at = h & mask;
        for (;;) {
          const slot = table[at] as number;
          if (slot === EMPTY) {
            table[at] = id + 1;
            break;
          }
          if (hashes[slot - 1] === h && this.same(slot - 1, id)) {
            if (firsts === undefined) firsts = new Int32Array(n).fill(-1);
            firsts[id] = slot - 1;
            break;
          }
          at = (at + 1) & mask;
        }
      }
      table.fill(EMPTY);
    }
    if (firsts === undefined) return;
    for (let id = 0; id < n; id++) {
      const first = firsts[id] as number;
      if (first >= 0) found.push(id, first);
    }
  }
}
