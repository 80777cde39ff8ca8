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

/** The hash of `text`'s char codes, ASCII letters folded when `fold` (others via toLowerCase). */
function hashText(h: number, text: string, fold: boolean): number {
  if (!fold) {
    for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
    return mix(h, PART_END);
  }
  const start = h;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0x80) return hashLowered(start, text.toLowerCase());
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    h = mix(h, c);
  }
  return mix(h, PART_END);
}

/** As `hashText` on text that is already lower case (ASCII letters in it are folded again: a no-op). */
function hashLowered(h: number, lower: string): number {
  for (let i = 0; i < lower.length; i++) h = mix(h, lower.charCodeAt(i));
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
  /** Per slot: 1 + the key's number, or EMPTY. */
  private slots = new Int32Array(1024);
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

  constructor(schema: ContextSchema) {
    this.fields = schema["x-intake-key"];
    this.fold = schema["x-intake-key-case-insensitive"] === true;
    this.width = this.fields.length;
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
    const mask = this.slots.length - 1;
    let at = h & mask;
    for (;;) {
      const slot = this.slots[at] as number;
      if (slot === EMPTY) break;
      const id = slot - 1;
      if (this.hashes[id] === h && this.equal(id, single, parts, kinds)) return id;
      at = (at + 1) & mask;
    }
    const id = this.count++;
    this.slots[at] = id + 1;
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
    // At most half full, so probes stay short.
    if (this.count * 2 > this.slots.length) this.growSlots();
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
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let at = (this.hashes[id] as number) & mask;
      while (slots[at] !== EMPTY) at = (at + 1) & mask;
      slots[at] = id + 1;
    }
    this.slots = slots;
  }
}
