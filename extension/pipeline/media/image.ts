// Screenshots made fit for OCR: the OCR engine reads dark text on a plain light ground at some 30
// pixels a line, while a console screenshot has 1x text, grid lines, zebra and selected rows and
// dark themes. So: greyscale, ruling lines painted out, each text line's own ground found and its
// text made black on white (whatever the colours), then scaled up. Pure pixel work, no platform.
import type { GrayImage } from "./png.ts";

/** Grey levels apart that count as ink against the ground. */
const INK = 48;
/** Target height of a text line band after scaling, in pixels. */
const TARGET_BAND = 40;
const MAX_SCALE = 4;
/** White margin added around the cleaned image (the engine reads poorly at the very edge). */
export const MARGIN = 12;

export interface CleanImage extends GrayImage {
  /** Cleaned pixel = original pixel × scale + MARGIN. */
  scale: number;
  /** The text line bands, in original pixels [top, bottom) (for the table builder's row pitch). */
  bands: [number, number][];
}

const at = (img: GrayImage, x: number, y: number) => img.data[y * img.width + x] as number;

/**
 * Paints out thin straight lines: pixels that differ from both neighbours `k` away across the line,
 * in runs along it of at least `minRun` pixels. `horizontal` lines run along x.
 */
function removeLines(img: GrayImage, horizontal: boolean, minRun: number): void {
  const { width, height, data } = img;
  const along = horizontal ? width : height;
  const across = horizontal ? height : width;
  const pixel = (a: number, c: number) => (horizontal ? c * width + a : a * width + c);
  const mark = new Uint8Array(along);
  for (let c = 0; c < across; c++) {
    // k: how far the ground is from a line pixel (lines of 1-4 pixels).
    let any = false;
    for (let a = 0; a < along; a++) {
      const p = data[pixel(a, c)] as number;
      let line = 0;
      for (let k = 1; k <= 3 && !line; k++) {
        if (c - k < 0 || c + k >= across) break;
        const before = data[pixel(a, c - k)] as number;
        const after = data[pixel(a, c + k)] as number;
        if (Math.abs(p - before) > INK / 2 && Math.abs(p - after) > INK / 2) line = k;
      }
      mark[a] = line;
      if (line) any = true;
    }
    if (!any) continue;
    let start = -1;
    for (let a = 0; a <= along; a++) {
      if (a < along && mark[a]) {
        if (start < 0) start = a;
        continue;
      }
      if (start >= 0 && a - start >= minRun) {
        for (let i = start; i < a; i++) {
          const k = mark[i] as number;
          const before = data[pixel(i, c - k)] as number;
          const after = data[pixel(i, c + k)] as number;
          data[pixel(i, c)] = (before + after) >> 1;
        }
      }
      start = -1;
    }
  }
}

/**
 * Rows of text, as [top, bottom): runs of rows with more changes of grey along them than the
 * quietest rows near them (which count only the edges of the window's regions). A descender or an
 * accent adds a change or two: enough, so a band holds its letters whole.
 */
function textBands(img: GrayImage): [number, number][] {
  const { width, height, data } = img;
  const changes = new Uint32Array(height);
  for (let y = 0; y < height; y++) {
    let count = 0;
    for (let x = 1; x < width; x++)
      if (Math.abs((data[y * width + x] as number) - (data[y * width + x - 1] as number)) > INK) count++;
    changes[y] = count;
  }
  const reach = 16;
  const bands: [number, number][] = [];
  let start = -1;
  for (let y = 0; y <= height; y++) {
    let quiet = Number.POSITIVE_INFINITY;
    if (y < height)
      for (let k = Math.max(0, y - reach); k < Math.min(height, y + reach + 1); k++)
        quiet = Math.min(quiet, changes[k] as number);
    const busy = y < height && (changes[y] as number) >= quiet + 2;
    if (busy) {
      if (start < 0) start = y;
    } else if (start >= 0) {
      bands.push([start, y]);
      start = -1;
    }
  }
  return bands;
}

/** The commonest grey of row `y`. */
function rowMode(img: GrayImage, y: number): number {
  const histogram = new Uint32Array(32);
  for (let x = 0; x < img.width; x++) {
    const v = (img.data[y * img.width + x] as number) >> 3;
    histogram[v] = (histogram[v] as number) + 1;
  }
  let best = 0;
  for (let v = 1; v < 32; v++) if ((histogram[v] as number) > (histogram[best] as number)) best = v;
  return best * 8 + 4;
}

/**
 * A band without its top and bottom rows on another ground (a selected row's highlight begins a
 * row or two before its text): a band must stand on one ground, or its edge reads as a box.
 */
function trimToGround(img: GrayImage, [top, bottom]: [number, number]): [number, number] {
  const ground = rowMode(img, (top + bottom) >> 1);
  let t = top;
  let b = bottom;
  while (t < b - 1 && Math.abs(rowMode(img, t) - ground) > INK / 2) t++;
  while (b - 1 > t && Math.abs(rowMode(img, b - 1) - ground) > INK / 2) b--;
  return [t, b];
}

/** Bands grown by a pixel each way (the anti-aliased edge of a letter), never into the next band. */
function padBands(bands: [number, number][], height: number): [number, number][] {
  return bands.map(([top, bottom], i) => {
    const pad = 1;
    const above = i > 0 ? (bands[i - 1] as [number, number])[1] : 0;
    const below = i + 1 < bands.length ? (bands[i + 1] as [number, number])[0] : height;
    return [
      Math.max(top - pad, Math.ceil((above + top) / 2)),
      Math.min(bottom + pad, Math.floor((bottom + below) / 2)),
    ];
  });
}

/** Per column of a band, the commonest grey of the window around it: the ground the text is on. */
function groundOf(img: GrayImage, top: number, bottom: number, window: number): Uint8Array {
  const { width, data } = img;
  const histogram = new Uint32Array(256);
  const ground = new Uint8Array(width);
  const half = Math.floor(window / 2);
  const addColumn = (x: number, sign: number) => {
    if (x < 0 || x >= width) return;
    for (let y = top; y < bottom; y++) {
      const v = data[y * width + x] as number;
      histogram[v] = (histogram[v] as number) + sign;
    }
  };
  for (let x = -half; x < half; x++) addColumn(x, 1);
  for (let x = 0; x < width; x++) {
    addColumn(x + half, 1);
    addColumn(x - half - 1, -1);
    // Grey levels are bucketed by 8 so a ground that varies a little still wins.
    let best = 0;
    let bestCount = -1;
    for (let b = 0; b < 256; b += 8) {
      let count = 0;
      for (let v = b; v < b + 8; v++) count += histogram[v] as number;
      if (count > bestCount) {
        bestCount = count;
        best = b;
      }
    }
    let sum = 0;
    let n = 0;
    for (let v = best; v < best + 8; v++) {
      sum += v * (histogram[v] as number);
      n += histogram[v] as number;
    }
    ground[x] = n ? Math.round(sum / n) : 255;
  }
  return ground;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Bilinear scaling by an integer factor, with a white margin around. */
function scaleUp(img: GrayImage, scale: number): GrayImage {
  const width = img.width * scale + 2 * MARGIN;
  const height = img.height * scale + 2 * MARGIN;
  const data = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < img.height * scale; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < img.width * scale; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const fx = sx - x0;
      const top = at(img, x0, y0) * (1 - fx) + at(img, x1, y0) * fx;
      const bottom = at(img, x0, y1) * (1 - fx) + at(img, x1, y1) * fx;
      data[(y + MARGIN) * width + x + MARGIN] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return { width, height, data };
}

/** The image as the OCR engine reads best: lines out, dark text on white per text line, scaled up. */
export function cleanForOcr(source: GrayImage): CleanImage {
  const img: GrayImage = { width: source.width, height: source.height, data: source.data.slice() };
  removeLines(img, true, Math.max(24, Math.round(img.width * 0.04)));
  removeLines(img, false, Math.max(20, Math.round(img.height * 0.05)));
  const bands = padBands(
    textBands(img).filter(([t, b]) => b - t >= 3),
    img.height,
  ).map((band) => trimToGround(img, band));
  const normalized = new Uint8Array(img.width * img.height).fill(255);
  for (const [top, bottom] of bands) {
    const ground = groundOf(img, top, bottom, Math.max(32, 4 * (bottom - top)));
    // The band's strongest contrast (a high percentile, so one odd pixel does not set it).
    const differences = new Uint32Array(256);
    let inked = 0;
    for (let y = top; y < bottom; y++)
      for (let x = 0; x < img.width; x++) {
        const d = Math.abs(at(img, x, y) - (ground[x] as number));
        if (d <= INK) continue;
        differences[d] = (differences[d] as number) + 1;
        inked++;
      }
    let strong = 255;
    for (let d = 0, seen = 0; d < 256; d++) {
      seen += differences[d] as number;
      if (seen > inked * 0.9) {
        strong = d;
        break;
      }
    }
    for (let x = 0; x < img.width; x++) {
      // A column the same grey from the band's top to its bottom is ground (a region's edge, a
      // border left over), whatever the window says: no glyph fills a line's whole height.
      let low = 255;
      let high = 0;
      for (let y = top; y < bottom; y++) {
        const v = at(img, x, y);
        if (v < low) low = v;
        if (v > high) high = v;
      }
      if (high - low <= INK / 3) continue;
      for (let y = top; y < bottom; y++) {
        const d = Math.abs(at(img, x, y) - (ground[x] as number));
        normalized[y * img.width + x] = 255 - Math.min(255, Math.round((d * 255) / Math.max(strong, INK)));
      }
    }
  }
  const heights = bands.map(([t, b]) => b - t).filter((h) => h >= 6);
  const scale = Math.max(1, Math.min(MAX_SCALE, Math.round(TARGET_BAND / Math.max(1, median(heights)))));
  const scaled = scaleUp({ width: img.width, height: img.height, data: normalized }, scale);
  return { ...scaled, scale, bands };
}

/** A binary PGM (P5) of a grey image: the OCR engine's image reader takes it as it is. */
export function encodePgm(img: GrayImage): Uint8Array {
  const head = new TextEncoder().encode(`P5\n${img.width} ${img.height}\n255\n`);
  const out = new Uint8Array(head.length + img.data.length);
  out.set(head);
  out.set(img.data, head.length);
  return out;
}
