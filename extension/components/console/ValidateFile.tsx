// "Validate a JSON file against this schema": the file's records go to the Worker's dry-run
// validate route as {"data":[...]}; nothing is stored, the report is shown.
import { useState } from "preact/hooks";
import type { IntakeRecord, ValidationReport } from "../../../schemas/index.ts";
import type { ApiClient } from "../../api-client.ts";
import { errorView, plural } from "./ui.tsx";

const SHOWN_ISSUES = 100;

/** The records of a {"data":[...]} document (a bare array is accepted too). */
export function recordsOfJson(text: string): IntakeRecord[] {
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new Error(`The file is not valid JSON: ${(e as Error).message}`);
  }
  const data = Array.isArray(body) ? body : (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data))
    throw new Error('The file must hold {"data":[ …records… ]} (or a JSON array of records)');
  return data as IntakeRecord[];
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
      const records = recordsOfJson(await file.text());
      const report = await client.validate(integrationId, context, records);
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
      <label>
        Validate a JSON file against {context} (dry run, nothing is stored)
        <input
          type="file"
          accept=".json,application/json"
          onChange={(e) => check(e.currentTarget.files?.[0])}
        />
      </label>
      {state.kind === "busy" && <p role="status">Validating {state.file}…</p>}
      {state.kind === "error" && (
        <p role="alert">
          {state.file}: {state.message}
        </p>
      )}
      {report && state.kind === "done" && (
        <div class="report">
          <p role="status" class={report.valid ? "ok" : "warning"}>
            {`${state.file}: ${report.valid ? "valid" : "not valid"} — ${plural(report.recordCount, "record")} · ${plural(report.errorCount, "error")} · ${plural(report.warningCount, "warning")}`}
          </p>
          {report.errors.length + report.warnings.length > 0 && (
            <table class="grid">
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
                      <td>{i.row}</td>
                      <td>{i.field || "(record)"}</td>
                      <td>{i.level}</td>
                      <td>{i.message}</td>
                      <td>{i.value === undefined ? "" : JSON.stringify(i.value)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
          {report.errorCount + report.warningCount > SHOWN_ISSUES && (
            <p class="hint">Showing the first {SHOWN_ISSUES} issues.</p>
          )}
        </div>
      )}
    </div>
  );
}
