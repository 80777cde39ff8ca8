// What a file is by its first bytes, without loading the readers (the page bundles this much of
// the pipeline; PDF.js and the OCR engine load only where a PDF or an image is read).
import { isPng } from "./png.ts";

export type MediaKind = "pdf" | "image";

/** A PDF's header is within its first kilobyte. */
const isPdf = (head: Uint8Array): boolean => String.fromCharCode(...head.subarray(0, 1024)).includes("%PDF-");

const IMAGE_NAME = /\.(png|jpe?g|webp)$/i;

/** What a file is by its first bytes (and its name when they say nothing): a PDF, an image, or neither. */
export function mediaKindOf(fileName: string, head: Uint8Array): MediaKind | undefined {
  if (isPdf(head)) return "pdf";
  if (isPng(head)) return "image";
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image";
  const ascii = String.fromCharCode(...head.subarray(0, 12));
  if (ascii.startsWith("RIFF") && ascii.slice(8, 12) === "WEBP") return "image";
  if (/\.pdf$/i.test(fileName)) return "pdf";
  if (IMAGE_NAME.test(fileName)) return "image";
  return undefined;
}
