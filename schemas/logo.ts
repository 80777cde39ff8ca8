// Integration logos (shared by the Worker and the console): an avatar colour `#RRGGBB`, or a PNG/JPEG/WebP data URL of at most 5 KB,
// recognized by its magic bytes (never by its claimed type). SVG is refused: it can carry script.

export const MAX_LOGO_BYTES = 5 * 1024;

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const DATA_URL = /^data:([a-z0-9.+/-]+);base64,([A-Za-z0-9+/]*={0,2})$/i;

const SIGNATURES: Record<string, (b: Uint8Array) => boolean> = {
  "image/png": (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v),
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/webp": (b) =>
    String.fromCharCode(...b.subarray(0, 4)) === "RIFF" &&
    String.fromCharCode(...b.subarray(8, 12)) === "WEBP",
};

/** undefined when the logo is acceptable, else why not (for an admin). */
export function checkLogo(logo: string): string | undefined {
  if (logo.startsWith("#")) return COLOUR.test(logo) ? undefined : "must be a colour like #1A73E8";
  const m = DATA_URL.exec(logo);
  if (!m) return "must be a colour like #1A73E8 or an image as a data URL (data:image/png;base64,...)";
  const type = (m[1] as string).toLowerCase();
  if (type.includes("svg")) return "SVG images are not accepted; use PNG, JPEG or WebP";
  const matches = Object.hasOwn(SIGNATURES, type) ? SIGNATURES[type] : undefined;
  if (!matches) return `images must be PNG, JPEG or WebP; got ${type}`;
  const base64 = m[2] as string;
  const size =
    Math.floor((base64.length * 3) / 4) - (base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0);
  if (size > MAX_LOGO_BYTES) return `the image is ${size} bytes; the limit is ${MAX_LOGO_BYTES} bytes (5 KB)`;
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  } catch {
    return "the image data is not valid base64";
  }
  if (!matches(bytes))
    return `the data is not a ${type.slice(6).toUpperCase()} image (its first bytes do not match)`;
  return undefined;
}
