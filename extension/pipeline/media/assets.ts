// The OCR engine's files the extension ships (MV3 runs no fetched code): the build copies them
// from these packages into OCR_ASSET_DIR (wxt.config.ts), and the pipeline worker points the
// engine there. The SIMD + LSTM-only core and the "best int" English model are the smallest set
// that reads (every browser the extension supports has WebAssembly SIMD).

export const OCR_ASSET_DIR = "ocr";

export const OCR_WORKER = "worker.min.js";
export const OCR_CORE = "tesseract-core-simd-lstm.js";
/** The language data folder holds eng.traineddata.gz. */
export const OCR_LANGUAGE = "eng";

/** Each shipped file: the package file it is copied from, and its name in OCR_ASSET_DIR. */
export const OCR_ASSETS: { from: string; to: string }[] = [
  { from: "tesseract.js/dist/worker.min.js", to: OCR_WORKER },
  { from: "tesseract.js-core/tesseract-core-simd-lstm.js", to: OCR_CORE },
  { from: "tesseract.js-core/tesseract-core-simd-lstm.wasm", to: "tesseract-core-simd-lstm.wasm" },
  { from: "@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz", to: `${OCR_LANGUAGE}.traineddata.gz` },
];

/** The language data package's folder of the same model, for Node (tests, the CLI). */
export const NODE_LANGUAGE_DIR = "@tesseract.js-data/eng/4.0.0_best_int";
