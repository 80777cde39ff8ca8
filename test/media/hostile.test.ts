// Hostile and broken files meet a clear message, never a hang (issue 23): a password, ten thousand
// pages, a stream that inflates to far more than its size, a damaged cross-reference table, bytes
// that are no PDF, an image that declares a billion pixels, the time limit.
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { extractTables, MediaError } from "../../extension/pipeline/media/index.ts";
import { pdfCorpus } from "../fixtures/media/pdf-corpus.ts";

/** A PDF of the given objects (1-based, in order), with a correct cross-reference table. */
function rawPdf(objects: (string | Uint8Array)[], trailer = ""): Uint8Array {
  const parts: Uint8Array[] = [];
  const text = (s: string) => new TextEncoder().encode(s);
  let length = 0;
  const push = (p: Uint8Array) => {
    parts.push(p);
    length += p.length;
  };
  push(text("%PDF-1.7\n"));
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(length);
    push(text(`${i + 1} 0 obj\n`));
    push(typeof body === "string" ? text(body) : body);
    push(text("\nendobj\n"));
  });
  const xref = length;
  push(
    text(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets
        .map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)
        .join(
          "",
        )}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>";
const content = (data: string) => `<< /Length ${data.length} >>\nstream\n${data}\nendstream`;

async function refusal(bytes: Uint8Array, limits = {}): Promise<string> {
  try {
    await extractTables(bytes, "pdf", { limits });
  } catch (error) {
    expect(error).toBeInstanceOf(MediaError);
    return (error as Error).message;
  }
  throw new Error("the file was read");
}

describe("a hostile or broken PDF", () => {
  it("protected by a password is refused in words", async () => {
    const encrypt =
      "<< /Filter /Standard /V 1 /R 2 /O <" + "41".repeat(32) + "> /U <" + "42".repeat(32) + "> /P -4 >>";
    const bytes = rawPdf(
      [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        content("BT ET"),
        encrypt,
      ],
      "/Encrypt 5 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
    );
    expect(await refusal(bytes)).toMatch(/protected by a password/);
  });

  it("of 10,000 pages is refused before any page is read", async () => {
    // Ten thousand references to one page: a small file that opens as 10,000 pages.
    const bytes = rawPdf([
      "<< /Type /Catalog /Pages 2 0 R >>",
      `<< /Type /Pages /Kids [${"3 0 R ".repeat(10_000)}] /Count 10000 >>`,
      page,
      content("BT ET"),
    ]);
    expect(await refusal(bytes)).toMatch(/10,000 pages; Intake reads PDFs of up to 200 pages/);
  });

  it("whose stream inflates far past its size is refused before PDF.js holds it", async () => {
    const bomb = deflateSync(new Uint8Array(64 * 2 ** 20));
    const head = new TextEncoder().encode(`<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`);
    const tail = new TextEncoder().encode("\nendstream");
    const stream = new Uint8Array(head.length + bomb.length + tail.length);
    stream.set(head);
    stream.set(bomb, head.length);
    stream.set(tail, head.length + bomb.length);
    const bytes = rawPdf([
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      page,
      stream,
    ]);
    expect(bytes.length).toBeLessThan(200_000);
    expect(await refusal(bytes, { maxInflatedBytes: 16 * 2 ** 20 })).toMatch(/expands to more than 16 MB/);
  });

  it("with a damaged cross-reference table is still read (PDF.js rebuilds it)", async () => {
    const [grid] = await pdfCorpus();
    const bytes = new Uint8Array(grid?.bytes ?? []);
    const text = new TextDecoder("latin1").decode(bytes);
    const at = text.lastIndexOf("startxref");
    bytes.set(new TextEncoder().encode("startxref\n99999999"), at);
    const [table] = await extractTables(bytes, "pdf");
    expect(table?.header).toEqual(grid?.truth.header);
    expect(table?.rows).toEqual(grid?.truth.rows);
  });

  it("that is no PDF at all says so", async () => {
    expect(await refusal(new TextEncoder().encode("%PDF-1.7\nnot really a PDF, just text"))).toMatch(
      /damaged/,
    );
    expect(await refusal(new TextEncoder().encode("id,name\n1,Ana\n"))).toMatch(/not a PDF/);
  });

  it("larger than the size limit is refused unread", async () => {
    const [grid] = await pdfCorpus();
    expect(await refusal(grid?.bytes ?? new Uint8Array(), { maxBytes: 1000 })).toMatch(
      /Intake reads PDFs and images of up to/,
    );
  });

  it("that takes longer than the time limit is stopped with a message", async () => {
    const [grid] = await pdfCorpus();
    expect(await refusal(grid?.bytes ?? new Uint8Array(), { maxMillis: 1 })).toMatch(/took longer than/);
  });
});

describe("a hostile image", () => {
  it("declaring more pixels than the limit is refused before they are allocated", async () => {
    const header = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ]);
    const ihdr = new Uint8Array(13 + 4);
    const view = new DataView(ihdr.buffer);
    view.setUint32(0, 100_000);
    view.setUint32(4, 100_000);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const bytes = new Uint8Array([...header, ...ihdr]);
    await expect(extractTables(bytes, "image")).rejects.toThrow(
      /100000 × 100000 pixels; Intake reads images of up to 40 million/,
    );
  });
});
