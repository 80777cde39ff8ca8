// A ZIP archive read from a Blob without holding it: the central directory from the file's tail,
// then one entry at a time, read in pieces and inflated as it goes (inflate.ts), so an .xlsx is
// never in memory whole. ZIP64 archives are read too; any broken structure, an encrypted entry or
// an unknown compression method throws ZipError (corrupt compressed data, InflateError).
import { Inflater } from "./inflate.ts";

class ZipError extends Error {}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

async function bytesAt(blob: Blob, start: number, length: number): Promise<DataView> {
  if (start < 0 || start + length > blob.size) throw new ZipError("ZIP structure outside the file");
  return new DataView(await blob.slice(start, start + length).arrayBuffer());
}

const u64 = (view: DataView, at: number) => Number(view.getBigUint64(at, true));

/**
 * The archive's entries by part name: lower-cased (OOXML part names are case-insensitive), with
 * "/" for the backslash some writers put between folders, and no leading "/".
 */
export async function readZipDirectory(blob: Blob): Promise<Map<string, ZipEntry>> {
  // The end record: 22 bytes plus a comment of up to 65,535, at the very end.
  const tailStart = Math.max(0, blob.size - 22 - 65_535);
  const tail = await bytesAt(blob, tailStart, blob.size - tailStart);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--)
    if (tail.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new ZipError("no ZIP end record");
  let count = tail.getUint16(eocd + 10, true);
  let cdSize = tail.getUint32(eocd + 12, true);
  let cdOffset = tail.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === MAX32 || cdOffset === MAX32) {
    const at = eocd - 20;
    if (at < 0 || tail.getUint32(at, true) !== EOCD64_LOCATOR) throw new ZipError("no ZIP64 locator");
    const record = await bytesAt(blob, u64(tail, at + 8), 56);
    if (record.getUint32(0, true) !== EOCD64) throw new ZipError("no ZIP64 end record");
    count = u64(record, 32);
    cdSize = u64(record, 40);
    cdOffset = u64(record, 48);
  }
  const cd = await bytesAt(blob, cdOffset, cdSize);
  const names = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.byteLength || cd.getUint32(p, true) !== CENTRAL)
      throw new ZipError("bad central directory");
    const flags = cd.getUint16(p + 8, true);
    const nameLength = cd.getUint16(p + 28, true);
    const extraLength = cd.getUint16(p + 30, true);
    const commentLength = cd.getUint16(p + 32, true);
    const entry: ZipEntry = {
      name: names.decode(new Uint8Array(cd.buffer, p + 46, nameLength)),
      method: cd.getUint16(p + 10, true),
      compressedSize: cd.getUint32(p + 20, true),
      size: cd.getUint32(p + 24, true),
      headerOffset: cd.getUint32(p + 42, true),
    };
    if (flags & 1) throw new ZipError(`${entry.name} is encrypted`);
    // ZIP64 sizes and offset: in the extra field, in this order, for each that reads 0xFFFFFFFF.
    for (let x = p + 46 + nameLength; x + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = cd.getUint16(x, true);
      const length = cd.getUint16(x + 2, true);
      if (id === 1) {
        let f = x + 4;
        for (const key of ["size", "compressedSize", "headerOffset"] as const)
          if (entry[key] === MAX32 && f + 8 <= x + 4 + length) {
            entry[key] = u64(cd, f);
            f += 8;
          }
      }
      x += 4 + length;
    }
    entries.set(entry.name.replaceAll("\\", "/").replace(/^\/+/, "").toLowerCase(), entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Compressed bytes read from the file at a time. */
const PIECE = 65_536;

/**
 * The entry's uncompressed bytes, piece by piece, to `onData` (a view valid only during the call);
 * `stop` ends the reading early when it returns true.
 */
export async function readEntry(
  blob: Blob,
  entry: ZipEntry,
  onData: (bytes: Uint8Array) => void,
  stop: () => boolean = () => false,
): Promise<void> {
  const local = await bytesAt(blob, entry.headerOffset, 30);
  if (local.getUint32(0, true) !== LOCAL) throw new ZipError(`bad local header for ${entry.name}`);
  const start = entry.headerOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  const end = start + entry.compressedSize;
  if (end > blob.size) throw new ZipError(`${entry.name} runs past the file`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipError(`${entry.name} uses compression method ${entry.method}`);
  const inflater = entry.method === 8 ? new Inflater(onData) : undefined;
  for (let at = start; at < end; ) {
    const next = Math.min(end, at + PIECE);
    const piece = new Uint8Array(await blob.slice(at, next).arrayBuffer());
    at = next;
    if (inflater) inflater.push(piece, at === end);
    else onData(piece);
    if (stop()) return;
  }
  if (inflater && !inflater.done) throw new ZipError(`${entry.name} has no compressed data`);
}
