// PDF.js ships no types for its worker module; the pipeline only hands it to PDF.js as it is.
declare module "pdfjs-dist/legacy/build/pdf.worker.mjs" {
  export const WorkerMessageHandler: unknown;
}
