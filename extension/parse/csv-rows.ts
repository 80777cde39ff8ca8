// CSV text -> rows of cells with their source lines (PapaParse, delimiter sniffed among , ; tab |).
// Blank lines are skipped; quoting problems are kept as parse issues with their line.
import Papa from "papaparse";

export const CSV_DELIMITERS = [",", ";", "\t", "|"] as const;

export interface SourceRow {
  /** 1-based line where the row starts in the file. */
  line: number;
  cells: string[];
}

export interface CsvParseIssue {
  line: number;
  message: string;
}

export interface CsvRows {
  delimiter: string;
  rows: SourceRow[];
  issues: CsvParseIssue[];
}

/** The delimiter PapaParse guesses on the first non-blank lines; "," when nothing splits. */
export function sniffDelimiter(text: string): string {
  const guess = Papa.parse<string[]>(text.slice(0, 64 * 1024), {
    preview: 20,
    skipEmptyLines: "greedy",
    delimitersToGuess: [...CSV_DELIMITERS],
  }).meta.delimiter;
  return (CSV_DELIMITERS as readonly string[]).includes(guess) ? guess : ",";
}

/** Parses CSV text into non-blank rows; `onRow` sees each row as it is parsed (progress). */
export function parseCsvRows(
  text: string,
  options: { delimiter?: string; onProgress?: (offset: number) => void } = {},
): CsvRows {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = options.delimiter ?? sniffDelimiter(body);
  const out: CsvRows = { delimiter, rows: [], issues: [] };
  let offset = 0;
  let line = 1;
  let count = 0;
  Papa.parse<string[]>(body, {
    delimiter,
    step: (step) => {
      const start = line;
      // Count the newlines this row spans (quoted newlines included) to know where the next starts.
      for (
        let i = body.indexOf("\n", offset);
        i !== -1 && i < step.meta.cursor;
        i = body.indexOf("\n", i + 1)
      )
        line++;
      offset = step.meta.cursor;
      for (const error of step.errors) {
        if (error.code === "UndetectableDelimiter") continue;
        out.issues.push({
          line: start,
          message:
            error.code === "MissingQuotes"
              ? `Line ${start}: a quoted value is never closed (missing ")`
              : `Line ${start}: ${error.message}`,
        });
      }
      const cells = step.data;
      if (cells.every((cell) => cell.trim() === "")) return;
      out.rows.push({ line: start, cells });
      if (options.onProgress && ++count % 5000 === 0) options.onProgress(offset);
    },
  });
  return out;
}
