// An uploaded logo file checked in the browser before anything is sent: size first, then the
// real type from its magic bytes (the file name and claimed type are not trusted), then the
// Worker's own rule (schemas/logo.ts), so the admin sees the Worker's exact reason.
import { checkLogo, MAX_LOGO_BYTES } from "../../schemas/logo.ts";

export { MAX_LOGO_BYTES };

export type LogoCheck = { ok: true; dataUrl: string; type: string } | { ok: false; reason: string };

/** The image type its first bytes announce, "svg" for SVG markup, else undefined. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => bytes[i] === v)) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  const head = new TextDecoder()
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (/^<(\?xml|svg|!DOCTYPE svg)/i.test(head)) return "svg";
  return undefined;
}

function base64Of(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export async function checkLogoFile(file: Blob): Promise<LogoCheck> {
  if (file.size === 0) return { ok: false, reason: "the file is empty" };
  if (file.size > MAX_LOGO_BYTES) {
    return {
      ok: false,
      reason: `the image is ${file.size} bytes; the limit is ${MAX_LOGO_BYTES} bytes (5 KB)`,
    };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImageType(bytes);
  if (type === "svg") return { ok: false, reason: "SVG images are not accepted; use PNG, JPEG or WebP" };
  if (!type)
    return { ok: false, reason: "the file is not a PNG, JPEG or WebP image (its first bytes do not match)" };
  const dataUrl = `data:${type};base64,${base64Of(bytes)}`;
  const problem = checkLogo(dataUrl);
  return problem ? { ok: false, reason: problem } : { ok: true, dataUrl, type };
}
