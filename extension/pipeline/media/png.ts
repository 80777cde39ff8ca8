// A PNG decoder to greyscale, for where the platform has none (Node: the tests and the CLI; the
// browser decodes with createImageBitmap). Written by hand because no maintained pure decoder
// runs in both without Node's zlib: it inflates with the pipeline's own Inflater.
import { Inflater } from "../parse/inflate.ts";
import { MediaError } from "./types.ts";

export interface GrayImage {
  width: number;
  height: number;
  /** One byte a pixel, 0 black to 255 white, row after row. */
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const isPng = (bytes: Uint8Array): boolean => SIGNATURE.every((b, i) => bytes[i] === b);

const channelsOf = (colorType: number): number => ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 })[colorType] ?? Number.NaN;

/** Luminance (Rec. 601) of an RGB pixel with alpha, over white. */
function gray(r: number, g: number, b: number, a: number): number {
  const y = (r * 299 + g * 587 + b * 114) / 1000;
  return Math.round((y * a + 255 * (255 - a)) / 255);
}

/**
 * The PNG's pixels as greyscale; undefined for an interlaced PNG (the caller hands the bytes to the
 * OCR engine as they are). Refuses more than `maxPixels` before allocating anything for them.
 */
export function decodePngGray(bytes: Uint8Array, maxPixels: number): GrayImage | undefined {
  if (!isPng(bytes)) throw new MediaError("The image is not a PNG file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let interlaced = false;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (data.length < length) throw new MediaError("The PNG file is cut short");
    if (type === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = data[8] as number;
      colorType = data[9] as number;
      interlaced = data[12] === 1;
      if (width === 0 || height === 0 || Number.isNaN(channelsOf(colorType)))
        throw new MediaError("The PNG file's header is not valid");
      if (width * height > maxPixels)
        throw new MediaError(
          `The image is ${width} × ${height} pixels; Intake reads images of up to ${Math.round(maxPixels / 1e6)} million pixels`,
        );
    } else if (type === "PLTE") palette = data;
    else if (type === "tRNS") transparency = data;
    else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    at += 12 + length;
  }
  if (width === 0) throw new MediaError("The PNG file has no header");
  if (interlaced) return undefined;
  const channels = channelsOf(colorType);
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const raw = new Uint8Array((stride + 1) * height);
  let filled = 0;
  const inflater = new Inflater((piece) => {
    const room = raw.length - filled;
    raw.set(room < piece.length ? piece.subarray(0, room) : piece, filled);
    filled += Math.min(room, piece.length);
  });
  // The zlib wrapper: a 2-byte header before the DEFLATE data (its checksum after is not needed).
  const first = idat[0];
  if (!first || first.length < 2) throw new MediaError("The PNG file has no image data");
  try {
    idat.forEach((piece, i) => {
      inflater.push(i === 0 ? piece.subarray(2) : piece, i === idat.length - 1);
    });
  } catch (error) {
    if (filled < raw.length) throw new MediaError(`The PNG file's image data is damaged (${String(error)})`);
  }
  const out = new Uint8Array(width * height);
  let previous = new Uint8Array(stride);
  let line = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const x = src[i] as number;
      const a = i >= bpp ? (line[i - bpp] as number) : 0;
      const b = previous[i] as number;
      const c = i >= bpp ? (previous[i - bpp] as number) : 0;
      let v: number;
      if (filter === 0) v = x;
      else if (filter === 1) v = x + a;
      else if (filter === 2) v = x + b;
      else if (filter === 3) v = x + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      } else throw new MediaError("The PNG file's image data is damaged (unknown filter)");
      line[i] = v & 0xff;
    }
    writeRow(line, out.subarray(y * width, (y + 1) * width), width, depth, colorType, palette, transparency);
    [previous, line] = [line, previous];
  }
  return { width, height, data: out };
}

/** One unfiltered scanline to greyscale. */
function writeRow(
  line: Uint8Array,
  out: Uint8Array,
  width: number,
  depth: number,
  colorType: number,
  palette: Uint8Array | undefined,
  transparency: Uint8Array | undefined,
): void {
  const sample = (index: number): number => {
    // The `index`-th sample of the line, scaled to 0-255.
    if (depth === 8) return line[index] as number;
    if (depth === 16) return line[index * 2] as number;
    const perByte = 8 / depth;
    const byte = line[Math.floor(index / perByte)] as number;
    const shift = 8 - depth * ((index % perByte) + 1);
    const v = (byte >> shift) & ((1 << depth) - 1);
    return colorType === 3 ? v : Math.round((v * 255) / ((1 << depth) - 1));
  };
  for (let x = 0; x < width; x++) {
    if (colorType === 0) out[x] = sample(x);
    else if (colorType === 4) out[x] = gray(sample(2 * x), sample(2 * x), sample(2 * x), sample(2 * x + 1));
    else if (colorType === 2) out[x] = gray(sample(3 * x), sample(3 * x + 1), sample(3 * x + 2), 255);
    else if (colorType === 6)
      out[x] = gray(sample(4 * x), sample(4 * x + 1), sample(4 * x + 2), sample(4 * x + 3));
    else {
      const i = sample(x);
      const alpha = transparency && i < transparency.length ? (transparency[i] as number) : 255;
      out[x] = palette
        ? gray(palette[3 * i] ?? 0, palette[3 * i + 1] ?? 0, palette[3 * i + 2] ?? 0, alpha)
        : 0;
    }
  }
}
