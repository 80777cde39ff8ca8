// Tables read from a PDF or an image (issue 23), in the pipeline worker or in Node: a PDF's text
// layer (or OCR of a scanned page), an image's OCR, through one table builder. Limits on size,
// pages, pixels, expansion and time turn a hostile file into a MediaError, never a hang.
import type { MediaKind } from "./kind.ts";
import { type OcrEngine, startOcr } from "./ocr.ts";
import { readPdfPages } from "./pdf.ts";
import { decodePngGray, type GrayImage, isPng } from "./png.ts";
import { buildTables } from "./table-builder.ts";
import {
  type ExtractedTable,
  type ExtractOptions,
  MEDIA_LIMITS,
  MediaError,
  type PageLayout,
} from "./types.ts";

export { type MediaKind, mediaKindOf } from "./kind.ts";
export {
  type ExtractedTable,
  type ExtractOptions,
  MEDIA_LIMITS,
  MediaError,
  type MediaLimits,
} from "./types.ts";

/** The platform's image decoder (a worker's createImageBitmap + OffscreenCanvas), when there is one. */
interface BitmapPlatform {
  createImageBitmap?(blob: Blob): Promise<{ width: number; height: number; close(): void }>;
  OffscreenCanvas?: new (
    w: number,
    h: number,
  ) => {
    getContext(kind: "2d"): {
      drawImage(image: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    } | null;
  };
}

/** An image's pixels as greyscale, or its bytes as they are when nothing here decodes its format. */
async function imagePixels(bytes: Uint8Array, maxPixels: number): Promise<GrayImage | Uint8Array> {
  const platform = globalThis as BitmapPlatform;
  if (platform.createImageBitmap && platform.OffscreenCanvas) {
    let bitmap: Awaited<ReturnType<NonNullable<BitmapPlatform["createImageBitmap"]>>>;
    try {
      bitmap = await platform.createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    } catch {
      throw new MediaError("The image cannot be read: it is damaged, or not a PNG, JPEG or WebP image");
    }
    const { width, height } = bitmap;
    if (width * height > maxPixels) {
      bitmap.close();
      throw new MediaError(
        `The image is ${width} × ${height} pixels; Intake reads images of up to ${Math.round(maxPixels / 1e6)} million pixels`,
      );
    }
    const context = new platform.OffscreenCanvas(width, height).getContext("2d");
    if (!context) throw new MediaError("The image cannot be read here (no 2D canvas)");
    context.drawImage(bitmap, 0, 0);
    bitmap.close();
    const rgba = context.getImageData(0, 0, width, height).data;
    const data = new Uint8Array(width * height);
    for (let i = 0; i < data.length; i++) {
      const a = rgba[i * 4 + 3] as number;
      const y =
        ((rgba[i * 4] as number) * 299 +
          (rgba[i * 4 + 1] as number) * 587 +
          (rgba[i * 4 + 2] as number) * 114) /
        1000;
      data[i] = Math.round((y * a + 255 * (255 - a)) / 255);
    }
    return { width, height, data };
  }
  if (isPng(bytes)) return decodePngGray(bytes, maxPixels) ?? bytes;
  return bytes;
}

/** Why the read stopped, in the admin's words (a cancel stays a cancel). */
function stopped(signal: AbortSignal, cancel: AbortSignal | undefined, maxMillis: number): unknown {
  if (cancel?.aborted) return cancel.reason;
  if (signal.aborted)
    return new MediaError(
      `Reading the file took longer than ${Math.round(maxMillis / 1000)} seconds; Intake stopped (try a smaller part of it)`,
    );
  return undefined;
}

/**
 * The tables in a PDF or an image: each with its header, its rows and, for OCR'd cells, how sure
 * the OCR is of each. `onProgress` after each page; `signal` cancels.
 */
export async function extractTables(
  bytes: Uint8Array,
  kind: MediaKind,
  options: ExtractOptions = {},
): Promise<ExtractedTable[]> {
  const limits = { ...MEDIA_LIMITS, ...options.limits };
  if (bytes.length > limits.maxBytes)
    throw new MediaError(
      `The file is ${(bytes.length / 2 ** 20).toFixed(0)} MB; Intake reads PDFs and images of up to ${Math.round(limits.maxBytes / 2 ** 20)} MB`,
    );
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), limits.maxMillis);
  const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
  let engine: OcrEngine | undefined;
  const ocr = async () => {
    engine ??= await startOcr(signal);
    return engine;
  };
  try {
    let pages: PageLayout[];
    if (kind === "pdf") {
      pages = await readPdfPages(bytes, {
        limits,
        signal,
        ocr: async (image) => (await ocr()).read(image),
        onPage: (page, count) => options.onProgress?.({ page, pages: count }),
      });
    } else {
      options.onProgress?.({ page: 0, pages: 1 });
      const pixels = await imagePixels(bytes, limits.maxPixels);
      const words = await (await ocr()).read(pixels);
      const size = pixels instanceof Uint8Array ? { width: 0, height: 0 } : pixels;
      pages = [{ page: 1, width: size.width, height: size.height, words, rulings: [], ocr: true }];
      options.onProgress?.({ page: 1, pages: 1 });
    }
    signal.throwIfAborted();
    return buildTables(pages);
  } catch (error) {
    throw stopped(signal, options.signal, limits.maxMillis) ?? error;
  } finally {
    clearTimeout(timeout);
    await (engine as OcrEngine | undefined)?.close();
  }
}
