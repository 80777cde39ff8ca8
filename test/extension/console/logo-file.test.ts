// Logo files are checked in the browser before upload: size, then magic bytes, never the name.
import { describe, expect, it } from "vitest";
import { checkLogoFile, sniffImageType } from "../../../extension/console/logo-file.ts";
import { checkLogo } from "../../../schemas/logo.ts";
import { pngOfSize } from "./console-helpers.tsx";

describe("logo files", () => {
  it("accepts a 4 KB PNG as a data URL the Worker accepts too", async () => {
    const check = await checkLogoFile(pngOfSize(4096));
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.dataUrl).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(checkLogo(check.dataUrl)).toBeUndefined();
  });

  it("refuses an image over 5 KB with its size and the limit", async () => {
    expect(await checkLogoFile(pngOfSize(6144))).toEqual({
      ok: false,
      reason: "the image is 6144 bytes; the limit is 5120 bytes (5 KB)",
    });
    expect((await checkLogoFile(pngOfSize(5120))).ok).toBe(true);
  });

  it("goes by the bytes, not the name or claimed type", async () => {
    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], "logo.png", { type: "image/png" });
    expect(await checkLogoFile(svg)).toEqual({
      ok: false,
      reason: "SVG images are not accepted; use PNG, JPEG or WebP",
    });
    const gif = new File(["GIF89a......"], "logo.png", { type: "image/png" });
    expect(await checkLogoFile(gif)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a PNG, JPEG or WebP/),
    });
    const jpeg = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2])], "photo.webp", {
      type: "image/webp",
    });
    expect(await checkLogoFile(jpeg)).toMatchObject({ ok: true, type: "image/jpeg" });
  });

  it("recognizes WebP by RIFF....WEBP", () => {
    const webp = new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ");
    expect(sniffImageType(webp)).toBe("image/webp");
    expect(sniffImageType(new TextEncoder().encode('<?xml version="1.0"?><svg/>'))).toBe("svg");
    expect(sniffImageType(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });

  it("refuses an empty file", async () => {
    expect(await checkLogoFile(new File([], "x.png"))).toEqual({ ok: false, reason: "the file is empty" });
  });
});
