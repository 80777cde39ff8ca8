// A validation report as lines for people and grep: `row 3 line 4 createdOn: message`, errors
// first, then warnings, then the counts.
import type { Issue, ValidationReport } from "../schemas/index.ts";
import { count, type OutStream, plural } from "./io.ts";

/** "row 3 line 4 createdOn: …" ("file" for row 0, the header and the file itself; no line when unknown). */
export function issueLine(issue: Issue): string {
  const place = [issue.row === 0 ? "file" : `row ${issue.row}`];
  if (issue.line !== undefined) place.push(`line ${issue.line}`);
  if (issue.field) place.push(issue.field);
  return `${place.join(" ")}: ${issue.message}`;
}

/** The report's issue lines and its summary. */
export function reportLines(report: ValidationReport, hint?: string): string[] {
  const lines = report.errors.map(issueLine);
  if (report.errorCount > report.errors.length)
    lines.push(
      `… and ${count(report.errorCount - report.errors.length)} more errors${hint ? ` (${hint})` : ""}`,
    );
  lines.push(...report.warnings.map((w) => `warning: ${issueLine(w)}`));
  if (report.warningCount > report.warnings.length)
    lines.push(`… and ${count(report.warningCount - report.warnings.length)} more warnings`);
  const verdict = report.valid ? "valid" : "invalid";
  lines.push(
    `${plural(report.recordCount, "record")}: ${verdict}, ${plural(report.errorCount, "error")}, ${plural(report.warningCount, "warning")}`,
  );
  return lines;
}

export function printReport(out: OutStream, report: ValidationReport, hint?: string): void {
  out.write(`${reportLines(report, hint).join("\n")}\n`);
}
