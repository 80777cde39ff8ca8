// Step 4: columns -> fields. Suggested by suggestMapping (header and values together) with the
// reason and a confidence; the admin can map, ignore, split a full-name column into first and last
// name (with a preview of what the rule makes of the first values), set a constant for a field,
// edit the value maps proposed with the mapping, and say the file has no header row.
import { useMemo, useState } from "preact/hooks";
import type { ContextSchema } from "../../schemas/index.ts";
import {
  type ColumnSuggestion,
  type Mapping,
  mappedFields,
  NAME_SPLIT_RULE,
  type NameParts,
  nameSplitFields,
  ownValue,
  rowsFromInspection,
  splitFullName,
  splitOf,
  suggestMapping,
  suggestValueMap,
} from "../mapping.ts";
import { Banner } from "../ui/Banner.tsx";
import { plural } from "../ui/format.ts";
import type { ReadyInspection } from "./SourceStep.tsx";

interface Props {
  schema: ContextSchema;
  inspection: ReadyInspection;
  /** suggestMapping's answer for these columns; computed here from the inspection when absent. */
  suggestions?: ColumnSuggestion[];
  initial: Mapping;
  /** Offered when the first row looks like data (looksLikeHeaderless): re-read with or without a header row. */
  headerRow?: { noHeader: boolean; looksHeaderless: boolean; onChange: (noHeader: boolean) => void };
  /** The mapping was the one saved for these columns (the flow went straight on to validate). */
  reused?: boolean;
  onValidate: (mapping: Mapping) => void;
  onBack: () => void;
}

const pct = (n: number) => `${Math.round(n * 100)}%`;
const contextOf = (schema: ContextSchema) => schema.$id.split(":")[2] ?? "";
/** The Field select's value for "split this column": a ':' no field name can hold (custom ones are [A-Za-z0-9_]). */
export const SPLIT_CHOICE = "split:first-last";

/** What the split makes of a few of the column's values: "Jane Doe → firstName “Jane”, lastName “Doe”". */
function SplitPreview({ id, values, fields }: { id: string; values: readonly string[]; fields: NameParts }) {
  const shown = values.filter((v) => v.trim() !== "").slice(0, 3);
  const part = (field: string, value: string) => (value === "" ? `${field} empty` : `${field} “${value}”`);
  return (
    <div class="split-preview" id={id}>
      {shown.length > 0 && (
        <ul>
          {shown.map((value) => {
            const { first, last } = splitFullName(value);
            return (
              <li key={value}>
                <span class="split-from">{value.trim()}</span> → {part(fields.first, first)},{" "}
                {part(fields.last, last)}
              </li>
            );
          })}
        </ul>
      )}
      <p>{NAME_SPLIT_RULE}</p>
    </div>
  );
}

export function MappingStep({
  schema,
  inspection,
  suggestions: given,
  initial,
  headerRow,
  reused = false,
  onValidate,
  onBack,
}: Props) {
  const suggestions = useMemo(
    () =>
      given ??
      suggestMapping({
        headers: inspection.headers,
        rows: rowsFromInspection(inspection),
        context: contextOf(schema),
      }),
    [given, inspection, schema],
  );
  const [mapping, setMapping] = useState<Mapping>(() => ({
    ...initial,
    headers: initial.headers ?? [...inspection.headers],
  }));
  const fields = Object.keys(schema.properties);
  const required = schema.required ?? [];
  const splitFields = useMemo(() => nameSplitFields(schema), [schema]);
  const used = new Set(mappedFields(mapping));

  /** Maps `column` to a field, to the split (SPLIT_CHOICE) or to nothing; a field taken moves here. */
  const setColumn = (column: number, choice: string | null) =>
    setMapping((m) => {
      const split = choice === SPLIT_CHOICE ? splitFields : undefined;
      const field = choice === SPLIT_CHOICE ? null : choice;
      const claimed = split ? [split.first, split.last] : field ? [field] : [];
      const valueMaps = { ...m.valueMaps };
      const proposed = suggestions[column];
      // Choosing the suggested field brings its exact value map along (unless one is set).
      if (field && proposed?.field === field && proposed.valueMap && !ownValue(valueMaps, field))
        valueMaps[field] = { ...proposed.valueMap };
      const splits = (m.splits ?? []).filter(
        (s) => s.column !== column && !claimed.includes(s.first) && !claimed.includes(s.last),
      );
      if (split) splits.push({ column, first: split.first, last: split.last });
      const next: Mapping = {
        ...m,
        valueMaps,
        columns: m.columns.map((f, i) =>
          i === column ? field : f !== null && claimed.includes(f) ? null : f,
        ),
      };
      if (splits.length > 0) next.splits = splits;
      else delete next.splits;
      return next;
    });
  const setConstant = (field: string, value: string) =>
    setMapping((m) => {
      const constants = { ...m.constants };
      if (value === "") delete constants[field];
      else constants[field] = value;
      return { ...m, constants };
    });
  const setValueMap = (field: string, from: string, to: string) =>
    setMapping((m) => {
      const map = { ...(ownValue(m.valueMaps, field) ?? {}) };
      if (to === "") delete map[from];
      else map[from] = to;
      return { ...m, valueMaps: { ...m.valueMaps, [field]: map } };
    });

  // Mapped columns whose values need a map: enum values not allowed, or values the suggestion
  // reads (Yes -> true, applied; Enabled -> ACTIVE, offered). A value nothing places stays as it is
  // and is an error in the review.
  const valueColumns = useMemo(
    () =>
      mapping.columns.flatMap((field, column) => {
        const prop = field ? schema.properties[field] : undefined;
        if (!field || !prop) return [];
        const suggestion = suggestions[column]?.field === field ? suggestions[column] : undefined;
        const proposed = { ...suggestion?.valueHints, ...suggestion?.valueMap };
        const distinct = inspection.distinct[column] ?? [];
        const odd = prop.enum ? distinct.filter((v) => !prop.enum?.includes(v)) : [];
        const values = [...new Set([...Object.keys(proposed), ...odd])];
        const options = prop.enum
          ? prop.enum.map(String)
          : prop.type === "boolean"
            ? ["true", "false"]
            : [...new Set(Object.values(proposed))];
        return values.length > 0 ? [{ field, column, values, options, proposed }] : [];
      }),
    [mapping.columns, schema, inspection, suggestions],
  );
  const missing = required.filter((f) => !used.has(f) && !ownValue(mapping.constants, f));

  const mappedCount = mapping.columns.filter((f, column) => f !== null || splitOf(mapping, column)).length;
  const columnCount = inspection.columns.length;

  return (
    <section class="step" aria-labelledby="map-title">
      <h2 class="step-title" id="map-title" tabIndex={-1}>
        Map columns to {schema.title} fields
      </h2>
      <p class="step-lede">
        {mappedCount} of {plural(columnCount, "column")} mapped. Check the suggestions; columns you ignore are
        not sent.
      </p>
      <div class="step-body">
        {reused && (
          <Banner tone="info" title="Saved mapping for these columns applied">
            This is how you mapped these columns last time. Change anything below, then validate again.
          </Banner>
        )}
        {headerRow && (headerRow.looksHeaderless || headerRow.noHeader) && (
          <Banner tone="info">
            <p>
              {headerRow.noHeader
                ? "Read without a header row: the first line is a record and the columns are named Column 1, Column 2…"
                : "The first line looks like a record (it holds the same kind of values as the rows under it)."}
            </p>
            <label class="checkbox">
              <input
                type="checkbox"
                checked={headerRow.noHeader}
                onChange={(e) => headerRow.onChange(e.currentTarget.checked)}
              />
              No header row
            </label>
          </Banner>
        )}
        <div class="table-wrap">
          <table class="table mapping-table">
            <caption class="sr-only">Column mapping</caption>
            <colgroup>
              <col class="c-column" />
              <col class="c-samples" />
              <col class="c-field" />
              <col class="c-why" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Column in your file</th>
                <th scope="col">Sample values</th>
                <th scope="col">Field</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {inspection.columns.map((name, column) => {
                const s = suggestions[column];
                const field = mapping.columns[column] ?? null;
                const split = splitOf(mapping, column);
                const current = split ? SPLIT_CHOICE : field;
                const suggested = s?.split && splitFields ? SPLIT_CHOICE : (s?.field ?? null);
                const previewId = `split-preview-${column}`;
                return (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td class="samples">{(inspection.samples[column] ?? []).join(", ")}</td>
                    <td>
                      <select
                        class="select"
                        aria-label={`Field for column ${name}`}
                        aria-describedby={split ? previewId : undefined}
                        value={current ?? ""}
                        onChange={(e) => setColumn(column, e.currentTarget.value || null)}
                      >
                        <option value="">Ignore this column</option>
                        {splitFields && (
                          <option value={SPLIT_CHOICE}>
                            Split: {splitFields.first} + {splitFields.last}
                          </option>
                        )}
                        {fields.map((f) => (
                          <option key={f} value={f}>
                            {f}
                            {required.includes(f) ? " (required)" : ""}
                            {used.has(f) && f !== field ? " (mapped)" : ""}
                          </option>
                        ))}
                      </select>
                      {split && (
                        <SplitPreview
                          id={previewId}
                          values={inspection.samples[column] ?? []}
                          fields={split}
                        />
                      )}
                    </td>
                    <td class="why confidence" data-auto={s?.auto ? "true" : "false"}>
                      {s?.usedBefore && suggested === (current ?? suggested) && (
                        <span class="badge badge--info">Used before</span>
                      )}{" "}
                      {current && suggested === current ? (
                        <>
                          {pct(s?.confidence ?? 0)} · {s?.reason}
                        </>
                      ) : current ? (
                        "Chosen by you"
                      ) : suggested && !s?.auto ? (
                        <>
                          {s?.reason} ({pct(s?.confidence ?? 0)}){" "}
                          <button
                            type="button"
                            class="btn btn--secondary btn--small"
                            onClick={() => setColumn(column, suggested)}
                          >
                            {suggested === SPLIT_CHOICE && splitFields
                              ? `Split into ${splitFields.first} + ${splitFields.last}`
                              : `Use ${suggested}`}
                          </button>
                        </>
                      ) : (
                        (s?.reason ?? "")
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>

        <details class="card constants" open={Object.keys(mapping.constants).length > 0}>
          <summary>Same value for every row</summary>
          <div class="constants-grid">
            {fields
              .filter((f) => !used.has(f))
              .map((f) => (
                <label key={f} class="field">
                  <span class="field-label">{f}</span>
                  <input
                    class="input"
                    value={ownValue(mapping.constants, f) ?? ""}
                    placeholder={String(schema.properties[f]?.examples?.[0] ?? "")}
                    onInput={(e) => setConstant(f, e.currentTarget.value)}
                  />
                </label>
              ))}
          </div>
        </details>

        {valueColumns.map(({ field, values, options, proposed }) => (
          <fieldset key={field} class="fieldset">
            <legend>Values of {field}</legend>
            <button
              type="button"
              class="btn btn--secondary btn--small"
              onClick={() => {
                const suggestedMap = { ...suggestValueMap(values, schema.properties[field]), ...proposed };
                for (const [from, to] of Object.entries(suggestedMap)) setValueMap(field, from, to);
              }}
            >
              Use suggested values for {field}
            </button>
            <div class="value-grid">
              {values.map((value) => (
                <label key={value} class="field">
                  <span class="field-label">“{value}” becomes</span>
                  <select
                    class="select"
                    aria-label={`Value for “${value}” in ${field}`}
                    value={ownValue(ownValue(mapping.valueMaps, field) ?? {}, value) ?? ""}
                    onChange={(e) => setValueMap(field, value, e.currentTarget.value)}
                  >
                    <option value="">(keep as is)</option>
                    {options.map((o) => (
                      <option key={o} value={o}>
                        {o}
                        {proposed[value] === o ? " (suggested)" : ""}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
            </div>
          </fieldset>
        ))}

        {missing.length > 0 && (
          <Banner tone="warning">
            {`Not mapped yet: ${missing.join(", ")} (required). Rows will be reported without ${missing.length === 1 ? "it" : "them"}.`}
          </Banner>
        )}
      </div>
      <footer class="step-footer">
        <button type="button" class="btn btn--secondary" onClick={onBack}>
          Back
        </button>
        <button type="button" class="btn btn--primary" onClick={() => onValidate(mapping)}>
          Validate {plural(inspection.rowCount, "row")}
        </button>
      </footer>
    </section>
  );
}
