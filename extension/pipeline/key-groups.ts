// The dataset's rows by record key, without a string per row: an open-addressing hash table in
// typed arrays holds, per distinct key, its hash and its first row. The caller gives each key's
// hash (the core's `keyHash`, which an email check may already have computed while reading the
// value). A key's text is kept only for keys held by two rows or more (duplicates, rare), with
// their sorted rows. Any other match on the hash is confirmed with the text of the slot's row,
// computed again by `keyOf`, which the caller keeps true for every row in the index (a row leaves
// before its key changes, and comes back with the new one).

const EMPTY = 0;
/** A slot whose key left: probes go on past it; an insert may take it. */
const GONE = -1;

interface Group {
  key: string;
  /** Ascending, two or more. */
  rows: number[];
}

export class KeyGroups {
  private readonly keyOf: (row: number) => string | undefined;
  /** Per slot: the key's hash. */
  private hashes: Int32Array;
  /** Per slot: the key's first row + 1, EMPTY, or GONE. */
  private heads: Int32Array;
  /** Slots whose key more than one row holds. */
  private readonly groups = new Map<number, Group>();
  /** Slots not EMPTY (GONE ones included). */
  private taken = 0;

  /** `expected`: how many keys to make room for at once (the row count); `keyOf` as above. */
  constructor(expected: number, keyOf: (row: number) => string | undefined) {
    this.keyOf = keyOf;
    let slots = 1024;
    while (slots * 3 < expected * 4) slots *= 2;
    this.hashes = new Int32Array(slots);
    this.heads = new Int32Array(slots);
  }

  /** The slot of the key with hash `h` and text `key` (`keyOf(row)` when not given), or -1. */
  private find(h: number, key: string | undefined, row: number): number {
    const mask = this.heads.length - 1;
    let text = key;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const head = this.heads[s] as number;
      if (head === EMPTY) return -1;
      if (head === GONE || this.hashes[s] !== h) continue;
      text ??= this.keyOf(row);
      const group = this.groups.get(s);
      if (group ? group.key === text : this.keyOf(head - 1) === text) return s;
    }
  }

  /**
   * Adds `row` under the key with hash `h` (text `key`, or `keyOf(row)`, asked only when needed);
   * answers the key's first row after it (`row` when it is the only one or the first).
   */
  add(h: number, row: number, key?: string): number {
    const at = this.find(h, key, row);
    if (at >= 0) {
      const head = (this.heads[at] as number) - 1;
      const group = this.groups.get(at);
      if (!group) {
        if (head !== row)
          this.groups.set(at, {
            key: key ?? (this.keyOf(row) as string),
            rows: head < row ? [head, row] : [row, head],
          });
      } else if (!group.rows.includes(row)) {
        const rows = group.rows;
        let i = rows.length;
        while (i > 0 && (rows[i - 1] as number) > row) i--;
        rows.splice(i, 0, row);
      }
      const first = this.groups.get(at)?.rows[0] ?? head;
      this.heads[at] = first + 1;
      return first;
    }
    if ((this.taken + 1) * 4 > this.heads.length * 3) this.grow();
    const mask = this.heads.length - 1;
    let s = h & mask;
    while ((this.heads[s] as number) > 0) s = (s + 1) & mask;
    if (this.heads[s] === EMPTY) this.taken++;
    this.hashes[s] = h;
    this.heads[s] = row + 1;
    return row;
  }

  /** Takes `row` from the rows of `key` (hash `h`; its key as the index knows it). */
  remove(h: number, key: string, row: number): void {
    const at = this.find(h, key, row);
    if (at < 0) return;
    const group = this.groups.get(at);
    if (!group) {
      if ((this.heads[at] as number) - 1 === row) this.heads[at] = GONE;
      return;
    }
    const i = group.rows.indexOf(row);
    if (i < 0) return;
    group.rows.splice(i, 1);
    this.heads[at] = (group.rows[0] as number) + 1;
    if (group.rows.length === 1) this.groups.delete(at);
  }

  /** The rows holding `key` (hash `h`), ascending. */
  rowsOf(h: number, key: string): number[] {
    const at = this.find(h, key, -1);
    if (at < 0) return [];
    return this.groups.get(at)?.rows ?? [(this.heads[at] as number) - 1];
  }

  /** The rows of every key more than one row holds. */
  *duplicates(): Generator<number[]> {
    for (const group of this.groups.values()) yield group.rows;
  }

  /** Twice the slots (the same number when mostly GONE ones filled them), rehashed; groups move with their slots. */
  private grow(): void {
    const { hashes, heads, groups } = this;
    let live = 0;
    for (let s = 0; s < heads.length; s++) if ((heads[s] as number) > 0) live++;
    const size = live * 2 > heads.length ? heads.length * 2 : heads.length;
    const moved = new Map<number, Group>();
    this.hashes = new Int32Array(size);
    this.heads = new Int32Array(size);
    this.taken = 0;
    const mask = size - 1;
    for (let old = 0; old < heads.length; old++) {
      const head = heads[old] as number;
      if (head <= 0) continue;
      const h = hashes[old] as number;
      let s = h & mask;
      while (this.heads[s] !== EMPTY) s = (s + 1) & mask;
      this.hashes[s] = h;
      this.heads[s] = head;
      this.taken++;
      const group = groups.get(old);
      if (group) moved.set(s, group);
    }
    groups.clear();
    for (const [s, group] of moved) groups.set(s, group);
  }
}
