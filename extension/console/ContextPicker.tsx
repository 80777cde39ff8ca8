// Which contexts an integration accepts: picked by category (with search over the Worker's
// catalog) or taken from a discovery capability preset.
import { useEffect, useState } from "preact/hooks";
import type { Capability, ContextInfo } from "../api-client.ts";

interface Props {
  contexts: ContextInfo[];
  categories: string[];
  capabilities: Capability[];
  selected: string[];
  onChange: (contexts: string[]) => void;
  /** Names of the contexts matching a search (the Worker's catalog search). */
  search: (q: string) => Promise<string[]>;
}

const SEARCH_DELAY_MS = 200;

export function ContextPicker({ contexts, categories, capabilities, selected, onChange, search }: Props) {
  const preset = capabilities.find(
    (c) => c.contexts.length === selected.length && c.contexts.every((x) => selected.includes(x)),
  );
  const [mode, setMode] = useState<"contexts" | "capability">(
    preset && selected.length > 0 ? "capability" : "contexts",
  );
  const [capability, setCapability] = useState(preset?.id);
  const [q, setQ] = useState("");
  const [matches, setMatches] = useState<string[] | null>(null);
  const [searchError, setSearchError] = useState<string>();

  useEffect(() => {
    if (!q.trim()) {
      setMatches(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      search(q.trim())
        .then((names) => {
          if (!live) return;
          setMatches(names);
          setSearchError(undefined);
        })
        .catch((e: Error) => {
          if (live) setSearchError(e.message);
        });
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);

  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...selected, name] : selected.filter((x) => x !== name));
  const shown = contexts.filter((c) => matches === null || matches.includes(c.name));

  return (
    <div class="context-picker">
      <fieldset>
        <legend>Choose by</legend>
        <label class="inline">
          <input
            type="radio"
            name="context-mode"
            checked={mode === "contexts"}
            onChange={() => setMode("contexts")}
          />
          Contexts, by category
        </label>
        <label class="inline">
          <input
            type="radio"
            name="context-mode"
            checked={mode === "capability"}
            onChange={() => setMode("capability")}
          />
          A discovery capability
        </label>
      </fieldset>

      {mode === "contexts" ? (
        <>
          <label>
            Search contexts
            <input
              type="search"
              value={q}
              placeholder="e.g. users, invoices, employees"
              onInput={(e) => setQ(e.currentTarget.value)}
            />
          </label>
          {searchError && <p role="alert">Search failed: {searchError}</p>}
          <p role="status" class="hint">
            {matches === null ? `${contexts.length} contexts` : `${shown.length} of ${contexts.length} match`}{" "}
            · {selected.length} selected
          </p>
          {categories.map((category) => {
            const inCategory = shown.filter((c) => c.category === category);
            if (inCategory.length === 0) return null;
            return (
              <fieldset key={category} class="category">
                <legend>{category}</legend>
                {inCategory.map((c) => (
                  <label key={c.name} class="choice">
                    <input
                      type="checkbox"
                      checked={selected.includes(c.name)}
                      onChange={(e) => toggle(c.name, e.currentTarget.checked)}
                      aria-describedby={`ctx-desc-${c.name}`}
                    />
                    <span>
                      <strong>{c.title}</strong> <code>{c.name}</code>
                      <span id={`ctx-desc-${c.name}`} class="hint block">
                        {c.description}
                      </span>
                    </span>
                  </label>
                ))}
              </fieldset>
            );
          })}
        </>
      ) : (
        <fieldset>
          <legend>Discovery capability</legend>
          {capabilities.map((c) => (
            <label key={c.id} class="choice">
              <input
                type="radio"
                name="capability"
                checked={capability === c.id}
                onChange={() => {
                  setCapability(c.id);
                  onChange([...c.contexts]);
                }}
                aria-describedby={`cap-desc-${c.id}`}
              />
              <span>
                <strong>{c.title}</strong>
                <span id={`cap-desc-${c.id}`} class="hint block">
                  {c.description} Contexts: {c.contexts.join(", ")}.
                </span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}
