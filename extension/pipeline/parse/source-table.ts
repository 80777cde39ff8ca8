// The problems of a file read as one table (source.ts's SourceRows), and the unique names of its
// columns.

/** A problem found while reading the file, before any schema is involved. */
export interface SourceIssue {
  /** 1-based data row, when the problem belongs to one. */
  row?: number;
  line?: number;
  keyword: "ragged-row" | "csv" | "duplicate-column";
  message: string;
}

export function uniqueNames(headers: readonly string[], issues: SourceIssue[], line?: number): string[] {
  const seen = new Map<string, number>();
  return headers.map((raw, i) => {
    const name = raw.trim() || `Column ${i + 1}`;
    const key = name.toLowerCase();
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count === 1) return name;
    issues.push({
      line,
      keyword: "duplicate-column",
      message: `Column ${i + 1} repeats the header "${name}"; only one column can be mapped to a field`,
    });
    return `${name} (${count})`;
  });
}
