// Prints the media corpus's scores and time per page (issue 23): cells read exactly, per style, for
// the born-digital PDFs and the screenshots. Run: node test/media/report.ts [style…]
// (The tests assert the scores; time is only reported here, as it depends on the machine.)
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { extractTables } from "../../extension/pipeline/media/index.ts";
import { cellAccuracy, type TruthTable } from "../fixtures/media/corpus.ts";
import { pdfCorpus } from "../fixtures/media/pdf-corpus.ts";

const only = process.argv.slice(2);
const wanted = (style: string) => only.length === 0 || only.includes(style);
const shots = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "media", "screenshots");
const rows: string[] = [];
const verbose = process.env.VERBOSE === "1";

async function score(
  kind: "pdf" | "image",
  style: string,
  bytes: Uint8Array,
  truth: TruthTable,
  pages: number,
) {
  const start = performance.now();
  const tables = await extractTables(bytes, kind);
  const ms = performance.now() - start;
  const { exact, total, share } = cellAccuracy(truth, tables[0]);
  rows.push(
    `${kind.padEnd(5)} ${style.padEnd(28)} ${(share * 100).toFixed(1).padStart(6)} %  ${String(exact).padStart(5)}/${String(total).padEnd(5)} ${(ms / pages).toFixed(0).padStart(6)} ms/page  tables ${tables.length}`,
  );
  if (verbose) {
    const got = tables[0];
    const all = [truth.header, ...truth.rows];
    const read = got ? [got.header, ...got.rows] : [];
    for (let r = 0; r < Math.max(all.length, read.length); r++)
      if (JSON.stringify(all[r]) !== JSON.stringify(read[r]))
        console.log(
          style,
          r,
          JSON.stringify(all[r]),
          "\n",
          " ".repeat(style.length),
          r,
          JSON.stringify(read[r]),
        );
  }
}

for (const c of await pdfCorpus())
  if (wanted(c.style)) await score("pdf", c.style, c.bytes, c.truth, c.pages);
for (const file of readdirSync(shots)
  .filter((f) => f.endsWith(".png"))
  .sort()) {
  const style = file.replace(/\.png$/, "");
  if (!wanted(style)) continue;
  const truth = JSON.parse(readFileSync(join(shots, `${style}.json`), "utf8")) as TruthTable;
  await score("image", style, new Uint8Array(readFileSync(join(shots, file))), truth, 1);
}
console.log(
  `kind  style                        cells exact            time        found\n${rows.join("\n")}`,
);
