// Step 4: columns -> fields. Auto-mapped with a confidence; the admin can map, ignore, set a
// constant for a field, and map source values onto an enum's values.
import { useMemo, useState } from "preact/hooks";
import type { ContextSchema } from "../../schemas/index.ts";
import { type ColumnGuess, type Mapping, suggestValueMap } from "../mapping.ts";
import type { ReadyInspection } from "./SourceStep.tsx";

interface Props {
  schema: ContextSchema;
  inspection: ReadyInspection;
  guesses: ColumnGuess[];
  initial: Mapping;
  onValidate: (mapping: Mapping) => void;
  onBack: () => void;
}

const pct = (n: number) => `${Math.round(n * 100)}%`;

export function MappingStep({ schema, inspection, guesses, initial, onValidate, onBack }: Props) {
  const [mapping, setMapping] = useState<Mapping>(initial);
  const fields = Object.keys(schema.properties);
  const required = schema.required ?? [];
  const used = new Set(mapping.columns.filter((f): f is string => f !== null));

  const setColumn = (column: number, field: string | null) =>
    setMapping((m) => ({
      ...m,
      columns: m.columns.map((f, i) => (i === column ? field : f === field && field !== null ? null : f)),
    }));
  const setConstant = (field: string, value: string) =>
    setMapping((m) => {
      const constants = { ...m.constants };
      if (value === "") delete constants[field];
      else constants[field] = value;
      return { ...m, constants };
    });
  const setValueMap = (field: string, from: string, to: string) =>
    setMapping((m) => {
      const map = { ...(m.valueMaps[field] ?? {}) };
      if (to === "") delete map[from];
      else map[from] = to;
      return { ...m, valueMaps: { ...m.valueMaps, [field]: map } };
    });

  // Enum fields fed by a column whose values are not all allowed.
  const enumColumns = useMemo(
    () =>
      mapping.columns.flatMap((field, column) => {
        const prop = field ? schema.properties[field] : undefined;
        if (!field || !prop?.enum) return [];
        const odd = (inspection.distinct[column] ?? []).filter((v) => !prop.enum?.includes(v));
        return odd.length > 0 ? [{ field, column, values: odd, options: prop.enum.map(String) }] : [];
      }),
    [mapping.columns, schema, inspection],
  );
  const missing = required.filter((f) => !used.has(f) && !mapping.constants[f]);

  return (
    <section class="step" aria-labelledby="map-title">
      <h2 id="map-title">Map columns to {schema.title} fields</h2>
      <table class="mapping">
        <caption class="sr-only">Column mapping</caption>
        <thead>
          <tr>
            <th scope="col">Column in your file</th>
            <th scope="col">Sample values</th>
            <th scope="col">Field</th>
            <th scope="col">Match</th>
          </tr>
        </thead>
        <tbody>
          {inspection.columns.map((name, column) => {
            const guess = guesses[column];
            const field = mapping.columns[column] ?? null;
            return (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td class="samples">{(inspection.samples[column] ?? []).join(", ")}</td>
                <td>
                  <select
                    aria-label={`Field for column ${name}`}
                    value={field ?? ""}
                    onChange={(e) => setColumn(column, e.currentTarget.value || null)}
                  >
                    <option value="">Ignore this column</option>
                    {fields.map((f) => (
                      <option key={f} value={f}>
                        {f}
                        {required.includes(f) ? " (required)" : ""}
                        {used.has(f) && f !== field ? " (mapped)" : ""}
                      </option>
                    ))}
                  </select>
                </td>
                <td class="confidence">
                  {field && guess?.field === field
                    ? `${pct(guess.confidence)} · ${guess.reason}`
                    : field
                      ? "Chosen by you"
                      : guess?.hint
                        ? `${guess.reason} (${pct(guess.hint.confidence)})`
                        : (guess?.reason ?? "")}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <details open={Object.keys(mapping.constants).length > 0}>
        <summary>Same value for every row</summary>
        {fields
          .filter((f) => !used.has(f))
          .map((f) => (
            <label key={f} class="inline">
              {f}
              <input
                value={mapping.constants[f] ?? ""}
                placeholder={String(schema.properties[f]?.examples?.[0] ?? "")}
                onInput={(e) => setConstant(f, e.currentTarget.value)}
              />
            </label>
          ))}
      </details>

      {enumColumns.map(({ field, values, options }) => (
        <fieldset key={field}>
          <legend>Values of {field}</legend>
          <button
            type="button"
            onClick={() => {
              for (const [from, to] of Object.entries(suggestValueMap(values, schema.properties[field])))
                setValueMap(field, from, to);
            }}
          >
            Use suggested values for {field}
          </button>
          {values.map((value) => (
            <label key={value} class="inline">
              “{value}” becomes
              <select
                value={mapping.valueMaps[field]?.[value] ?? ""}
                onChange={(e) => setValueMap(field, value, e.currentTarget.value)}
              >
                <option value="">(keep as is)</option>
                {options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </fieldset>
      ))}

      {missing.length > 0 && (
        <p class="warning" role="status">
          Not mapped yet: {missing.join(", ")} (required). Rows will be reported without it.
        </p>
      )}
      <div class="row">
        <button type="button" onClick={onBack}>
          Back
        </button>
        <button type="button" class="primary" onClick={() => onValidate(mapping)}>
          Validate
        </button>
      </div>
    </section>
  );
}
