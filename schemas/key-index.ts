// The first record of each key, found without a Map of strings: an open-addressing hash table in
// typed arrays, hashing the key's text straight from its char codes (case-folded on the fly when
// the schema compares keys case-insensitively), so no string is allocated per record. Two keys
// are the same exactly when `recordKey` gives them the same text; a differential test holds that.
import type { ContextSchema, IntakeRecord } from "./types.ts";

/** A part of a key: text (compared case-folded when the schema says so) or the JSON of another value. */
const TEXT = 0;
const OTHER = 1;

const EMPTY = 0;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Mixed in after each part: beyond any char code, so a part cannot run into the next. */
const PART_END = 0x1_0000;

const mix = (h: number, c: number): number => Math.imul(h ^ c, FNV_PRIME);

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

/** Final avalanche, so the low bits used as the slot depend on every char. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Record keys seen so far, each numbered in the order first seen (0, 1, …). `firstOf` answers the
 * number of the earlier record with the same key, or remembers this record's key.
 */
export class KeyIndex {
  private readonly fields: readonly string[];
  private readonly fold: boolean;
  private readonly width: number;
  /**
   * Per slot, two entries side by side: 1 + the key's number (or EMPTY), and the key's hash, so a
   * probe reads one place in memory and compares texts only on a matching hash.
   */
  private slots = new Int32Array(2 * 1024);
  /** Per key number: its hash. */
  private hashes = new Int32Array(512);
  /** Per key number × part: the part's text (a record's own string, or the JSON of another value). */
  private readonly texts: string[] = [];
  /** Per key number × part: TEXT or OTHER. */
  private kinds: Uint8Array;
  private count = 0;
  /** The current part's kind and text, set by `partOf` (no tuple allocated per part). */
  private kind = TEXT;
  private text = "";

  /** `expected`: how many keys to make room for at once (a dataset's record count), sparing regrowth. */
  constructor(schema: ContextSchema, expected = 0) {
    this.fields = schema["x-intake-key"];
    this.fold = schema["x-intake-key-case-insensitive"] === true;
    this.width = this.fields.length;
    if (expected > 512) {
      // At most half the slots taken, as growSlots keeps them (each slot is two entries).
      let slots = 1024;
      while (slots < expected * 2) slots *= 2;
      this.slots = new Int32Array(2 * slots);
      this.hashes = new Int32Array(expected);
    }
    this.kinds = new Uint8Array(this.hashes.length * this.width);
  }

  /** How many distinct keys have been seen. */
  get size(): number {
    return this.count;
  }

  /** Reads part `i` of the record's key into kind/text; false when the field is missing. */
  private partOf(record: IntakeRecord, i: number): boolean {
    const value = record[this.fields[i] as string];
    if (value === undefined) return false;
    if (typeof value === "string") {
      this.kind = TEXT;
      this.text = value;
    } else {
      // As recordKey: a non-text value stands for its JSON, so 1 and "1" differ but 1 and 1.0 do not.
      this.kind = OTHER;
      this.text = JSON.stringify(value);
    }
    return true;
  }

  /**
   * The number of the first key equal to this record's, or -1 after numbering this record's key
   * as new (the next number, `size` before the call); -2 when a key field is missing.
   */
  firstOf(record: IntakeRecord): number {
    const width = this.width;
    let h = FNV_OFFSET;
    // One-field text keys (the common case) need no part list at all.
    let single: string | undefined;
    let parts: string[] | undefined;
    let kinds: number[] | undefined;
    for (let i = 0; i < width; i++) {
      if (!this.partOf(record, i)) return -2;
      h = mix(h, this.kind + 1);
      h = hashText(h, this.text, this.fold && this.kind === TEXT);
      if (width === 1) single = this.text;
      else {
        parts ??= [];
        kinds ??= [];
        parts.push(this.text);
        kinds.push(this.kind);
      }
    }
    h = finish(h);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let at = h & mask;
    for (;;) {
      const slot = slots[2 * at] as number;
      if (slot === EMPTY) break;
      if (slots[2 * at + 1] === h && this.equal(slot - 1, single, parts, kinds)) return slot - 1;
      at = (at + 1) & mask;
    }
    const id = this.count++;
    slots[2 * at] = id + 1;
    slots[2 * at + 1] = h;
    if (id >= this.hashes.length) this.growLists();
    this.hashes[id] = h;
    if (width === 1) {
      this.texts.push(single as string);
      this.kinds[id] = this.kind;
    } else {
      for (let i = 0; i < width; i++) {
        this.texts.push((parts as string[])[i] as string);
        this.kinds[id * width + i] = (kinds as number[])[i] as number;
      }
    }
    // At most half the slots taken (two entries each), so probes stay short.
    if (this.count * 4 > this.slots.length) this.growSlots();
    return -1;
  }

  private equal(id: number, single: string | undefined, parts?: string[], kinds?: number[]): boolean {
    const width = this.width;
    for (let i = 0; i < width; i++) {
      const kind = width === 1 ? this.kind : ((kinds as number[])[i] as number);
      const text = width === 1 ? (single as string) : ((parts as string[])[i] as string);
      if (this.kinds[id * width + i] !== kind) return false;
      const stored = this.texts[id * width + i] as string;
      if (!(kind === TEXT && this.fold ? sameFolded(stored, text) : stored === text)) return false;
    }
    return true;
  }

  private growLists(): void {
    const hashes = new Int32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const kinds = new Uint8Array(hashes.length * this.width);
    kinds.set(this.kinds);
    this.kinds = kinds;
  }

  private growSlots(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let id = 0; id < this.count; id++) {
      const h = this.hashes[id] as number;
      let at = h & mask;
      while (slots[2 * at] !== EMPTY) at = (at + 1) & mask;
      slots[2 * at] = id + 1;
      slots[2 * at + 1] = h;
    }
    this.slots = slots;
  }
}
