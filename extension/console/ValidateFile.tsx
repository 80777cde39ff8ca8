// "Validate a file against this schema": a JSON file is read with the core's reader (the Worker's)
// and its records sent, a CSV file is sent as text/csv, to the Worker's dry-run validate route;
// nothing is stored, the report is shown.
import { useState } from "preact/hooks";
import {
  detectKind,
  type IntakeRecord,
  readJsonRecords,
  type ValidationReport,
} from "../../schemas/index.ts";
import type { ApiClient } from "../api-client.ts";
import { Banner } from "../ui/Banner.tsx";
import { errorView, plural } from "./ui.tsx";

const SHOWN_ISSUES = 100;

/** The records of a {"data":[...]} document, a JSON array or NDJSON (the Worker's reader). */
export function recordsOfJson(text: string): IntakeRecord[] {
  const read = readJsonRecords(text, { source: "file" });
  if (!read.ok) throw new Error(read.message);
  return read.records as IntakeRecord[];
}

export function ValidateFile({
  client,
  integrationId,
  context,
}: {
  client: ApiClient;
  integrationId: string;
  context: string;
}) {
  const [state, setState] = useState<
    | { kind: "idle" }
    | { kind: "busy"; file: string }
    | { kind: "done"; file: string; report: ValidationReport }
    | { kind: "error"; file: string; message: string }
  >({ kind: "idle" });

  async function check(file: File | undefined) {
    if (!file) return;
    setState({ kind: "busy", file: file.name });
    try {
      const text = await file.text();
      // A CSV goes as it is: the Worker reads it with the same reader and reports its problems
      // (header, ragged rows, quotes) and source lines itself.
      const report =
        detectKind(file.name, text) === "json"
          ? await client.validate(integrationId, context, recordsOfJson(text))
          : await client.validateCsv(integrationId, context, text);
      setState({ kind: "done", file: file.name, report });
    } catch (e) {
      const view = errorView(e);
      const fields = Object.values(view.fields);
      setState({ kind: "error", file: file.name, message: [view.message, ...fields].join(" · ") });
    }
  }

  const report = state.kind === "done" ? state.report : undefined;
  return (
    <div class="validate-file">
      <label class="field">
        <span class="field-label">
          Validate a JSON file against {context}, or a CSV file (dry run, nothing is stored)
        </span>
        <input
          type="file"
          accept=".json,.ndjson,.jsonl,.csv,.tsv,.txt,application/json,text/csv"
          onChange={(e) => check(e.currentTarget.files?.[0])}
        />
      </label>
      {state.kind === "busy" && (
        <p class="working" role="status">
          <span class="spinner" aria-hidden="true" />
          Validating {state.file}…
        </p>
      )}
      {state.kind === "error" && <Banner tone="danger">{`${state.file}: ${state.message}`}</Banner>}
      {report && state.kind === "done" && (
        <div class="report">
          <Banner tone={report.valid ? "success" : "warning"}>
            {`${state.file}: ${report.valid ? "valid" : "not valid"} — ${plural(report.recordCount, "record")} · ${plural(report.errorCount, "error")} · ${plural(report.warningCount, "warning")}`}
          </Banner>
          {report.errors.length + report.warnings.length > 0 && (
            <div class="table-wrap">
              <table class="table">
                <caption class="sr-only">Validation report for {state.file}</caption>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Field</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Message</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {[
                    ...report.errors.map((i) => ({ ...i, level: "error" })),
                    ...report.warnings.map((i) => ({ ...i, level: "warning" })),
                  ]
                    .slice(0, SHOWN_ISSUES)
                    .map((i) => (
                      <tr key={`${i.level}|${i.row}|${i.pointer}|${i.keyword}`}>
                        <td>{i.line === undefined ? i.row : `${i.row} (line ${i.line})`}</td>
                        <td>{i.field || "(record)"}</td>
                        <td>{i.level}</td>
                        <td>{i.message}</td>
                        <td>{i.value === undefined ? "" : JSON.stringify(i.value)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )}
          {report.errorCount + report.warningCount > SHOWN_ISSUES && (
            <p class="muted">Showing the first {SHOWN_ISSUES} issues.</p>
          )}
        </div>
      )}
    </div>
  );
}
