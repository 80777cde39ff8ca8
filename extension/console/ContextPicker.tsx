// Which contexts an integration accepts: picked by category (with search over the Worker's
// catalog), or added from a discovery capability preset (a preset adds, it never replaces).
import { Check, Plus } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { Capability, ContextInfo } from "../api-client.ts";
import { Banner } from "../ui/Banner.tsx";
import { plural } from "../ui/format.ts";

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
  const [mode, setMode] = useState<"contexts" | "capability">("contexts");
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
  /** A preset adds its contexts to the selection; it never takes any away. */
  const addPreset = (capability: Capability) =>
    onChange([...selected, ...capability.contexts.filter((x) => !selected.includes(x))]);
  const shown = contexts.filter((c) => matches === null || matches.includes(c.name));

  return (
    <div class="context-picker">
      <fieldset class="segmented">
        <legend class="sr-only">Choose by</legend>
        <button type="button" aria-pressed={mode === "contexts"} onClick={() => setMode("contexts")}>
          Contexts, by category
        </button>
        <button type="button" aria-pressed={mode === "capability"} onClick={() => setMode("capability")}>
          A discovery capability
        </button>
      </fieldset>
      <p role="status" class="muted picker-count">
        {mode === "contexts" && matches !== null
          ? `${shown.length} of ${contexts.length} match · ${selected.length} selected`
          : `${plural(contexts.length, "context")} · ${selected.length} selected`}
      </p>

      {mode === "contexts" ? (
        <>
          <div class="field">
            <label for="context-search">Search contexts</label>
            <input
              id="context-search"
              class="input"
              type="search"
              value={q}
              placeholder="e.g. users, invoices, employees"
              onInput={(e) => setQ(e.currentTarget.value)}
            />
          </div>
          {searchError && <Banner tone="danger">{`Search failed: ${searchError}`}</Banner>}
          {categories.map((category) => {
            const inCategory = shown.filter((c) => c.category === category);
            if (inCategory.length === 0) return null;
            return (
              <fieldset key={category} class="fieldset category">
                <legend>{category}</legend>
                <div class="choice-grid">
                  {inCategory.map((c) => (
                    <label key={c.name} class="checkbox choice">
                      <input
                        type="checkbox"
                        checked={selected.includes(c.name)}
                        onChange={(e) => toggle(c.name, e.currentTarget.checked)}
                        aria-describedby={`ctx-desc-${c.name}`}
                      />
                      <span>
                        <strong>{c.title}</strong> <code>{c.name}</code>
                        <span id={`ctx-desc-${c.name}`} class="muted block">
                          {c.description}
                        </span>
                      </span>
                    </label>
                  ))}
                </div>
              </fieldset>
            );
          })}
        </>
      ) : (
        <ul class="capabilities">
          {capabilities.map((c) => {
            const missing = c.contexts.filter((x) => !selected.includes(x));
            return (
              <li key={c.id} class="card capability">
                <div>
                  <strong>{c.title}</strong>
                  <p class="muted">{c.description}</p>
                  <p class="tag-list">
                    {c.contexts.map((x) => (
                      <code key={x} class={selected.includes(x) ? "tag tag--on" : "tag"}>
                        {x}
                      </code>
                    ))}
                  </p>
                </div>
                <button
                  type="button"
                  class="btn btn--secondary btn--small"
                  disabled={missing.length === 0}
                  onClick={() => addPreset(c)}
                >
                  {missing.length === 0 ? <Check aria-hidden="true" /> : <Plus aria-hidden="true" />}
                  {missing.length === 0 ? `${c.title}: all added` : `Add ${c.title}`}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
