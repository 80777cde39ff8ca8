// OCR with Tesseract (tesseract.js): an image's words with their boxes and confidence. The engine
// runs in its own worker (a nested Web Worker in the extension, a worker thread in Node) with the
// English model shipped beside it — nothing is fetched at run time. Cancel or the time limit
// terminates that worker, which stops a recognition midway.
import Tesseract from "tesseract.js";
import { NODE_LANGUAGE_DIR, OCR_ASSET_DIR, OCR_CORE, OCR_WORKER } from "./assets.ts";
import { cleanForOcr, encodePgm, MARGIN } from "./image.ts";
import type { GrayImage } from "./png.ts";
import { MediaError, type Word } from "./types.ts";

export interface OcrEngine {
  /** Words of a greyscale image (cleaned first), or of encoded image bytes read as they are; in the image's pixels. */
  read(image: GrayImage | Uint8Array): Promise<Word[]>;
  close(): Promise<void>;
}

/** Node's part of `process`, typed here so this module builds for the browser too. */
interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?(name: "module"): { createRequire(from: string): { resolve(id: string): string } };
}

/** Where the engine's worker, core and model are: beside the pipeline worker's script, or in node_modules. */
function enginePaths(): Partial<Tesseract.WorkerOptions> {
  const node = (globalThis as { process?: NodeProcess }).process;
  if (node?.versions?.node && node.getBuiltinModule) {
    const require = node.getBuiltinModule("module").createRequire(import.meta.url);
    const manifest = require.resolve("@tesseract.js-data/eng/package.json");
    const root = manifest.slice(0, manifest.length - "@tesseract.js-data/eng/package.json".length);
    return { langPath: `${root}${NODE_LANGUAGE_DIR}` };
  }
  const here = (globalThis as { location?: { href: string } }).location?.href;
  if (!here)
    throw new MediaError("Reading images needs the extension's OCR files, which this context cannot reach");
  const base = new URL(`/${OCR_ASSET_DIR}/`, here).href;
  return {
    workerPath: `${base}${OCR_WORKER}`,
    corePath: `${base}${OCR_CORE}`,
    langPath: base.slice(0, -1),
    // The worker is the shipped file itself (a blob: worker importing it is what MV3 refuses).
    workerBlobURL: false,
  };
}

/**
 * Tesseract's words, split again where two of a word's letters stand a space apart: the engine
 * joins a bold header's words ("UserID") and the halves of an address around a dot it missed
 * ("yusufcosta"), and the space found there keeps "User ID" two words and lets the cell's reader
 * see the gap. Boxes come back in the image's own pixels.
 */
function wordsOfBlocks(blocks: Tesseract.Block[], scale: number, margin: number): Word[] {
  const words: Word[] = [];
  const toImage = (v: number) => (v - margin) / scale;
  const push = (text: string, box: Tesseract.Bbox, conf: number) => {
    if (!text.trim()) return;
    words.push({
      text: text.trim(),
      x0: toImage(box.x0),
      x1: toImage(box.x1),
      y0: toImage(box.y0),
      y1: toImage(box.y1),
      conf: Math.max(0, Math.min(1, conf / 100)),
    });
  };
  for (const block of blocks)
    for (const paragraph of block.paragraphs)
      for (const line of paragraph.lines)
        for (const word of line.words) {
          const symbols = word.symbols ?? [];
          if (symbols.length < 2) {
            push(word.text, word.bbox, word.confidence);
            continue;
          }
          const heights = symbols.map((s) => s.bbox.y1 - s.bbox.y0).sort((a, b) => a - b);
          const gapLimit = 0.4 * (heights[heights.length >> 1] as number);
          let text = "";
          let box: Tesseract.Bbox | undefined;
          for (const symbol of symbols) {
            if (box && symbol.bbox.x0 - box.x1 > gapLimit) {
              push(text, box, word.confidence);
              text = "";
              box = undefined;
            }
            text += symbol.text;
            box = box
              ? {
                  x0: box.x0,
                  y0: Math.min(box.y0, symbol.bbox.y0),
                  x1: Math.max(box.x1, symbol.bbox.x1),
                  y1: Math.max(box.y1, symbol.bbox.y1),
                }
              : { ...symbol.bbox };
          }
          if (box) push(text, box, word.confidence);
        }
  return words;
}

/** An OCR engine ready to read; `signal` terminates it. */
export async function startOcr(signal: AbortSignal): Promise<OcrEngine> {
  signal.throwIfAborted();
  let worker: Tesseract.Worker | undefined;
  const stop = () => void worker?.terminate().catch(() => {});
  signal.addEventListener("abort", stop, { once: true });
  try {
    worker = await Tesseract.createWorker(
      "eng",
      Tesseract.OEM.LSTM_ONLY,
      { ...enginePaths(), cacheMethod: "none", gzip: true },
      // No dictionaries: ids, emails and codes are not English words to be "corrected" into some.
      { load_system_dawg: "0", load_freq_dawg: "0" },
    );
    signal.throwIfAborted();
    await worker.setParameters({
      tessedit_pageseg_mode: Tesseract.PSM.SINGLE_BLOCK,
      preserve_interword_spaces: "1",
      user_defined_dpi: "300",
    });
  } catch (error) {
    stop();
    signal.removeEventListener("abort", stop);
    if (signal.aborted) throw signal.reason;
    throw new MediaError(
      `The OCR engine could not start (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const engine = worker;
  return {
    async read(image) {
      signal.throwIfAborted();
      let input: Uint8Array;
      let scale = 1;
      let margin = 0;
      if (image instanceof Uint8Array) input = image;
      else {
        const clean = cleanForOcr(image);
        input = encodePgm(clean);
        scale = clean.scale;
        margin = MARGIN;
      }
      const result = await engine.recognize(
        input as unknown as Tesseract.ImageLike,
        {},
        { text: false, blocks: true },
      );
      signal.throwIfAborted();
      return wordsOfBlocks(result.data.blocks ?? [], scale, margin);
    },
    async close() {
      signal.removeEventListener("abort", stop);
      await engine.terminate().catch(() => {});
    },
  };
}
