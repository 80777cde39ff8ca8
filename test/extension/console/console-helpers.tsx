// Rendering the console, already connected (or not), against a Worker replaying Acme's recorded
// answers (recorded-answers.ts) and the test's own, with faults on demand, for console tests.
import { render } from "@testing-library/preact";
import { vi } from "vitest";
import { Console } from "../../../extension/console/Console.tsx";
import type { ConsoleDeps } from "../../../extension/console/deps.ts";
import { consoleConnectionItem } from "../../../extension/storage.ts";
import { type Answer, recorded, withFaults } from "../fake-api.ts";
import { consoleAnswers, WORKER } from "../recorded-answers.ts";

export { WORKER };

/** The key the console is connected with. */
export const KEY = "ik_laptop";

export async function renderConsole(
  options: {
    scope?: "admin" | "ingest";
    bound?: string | null;
    connected?: boolean;
    /** Answers besides (or instead of) Acme's, by "METHOD /path" (see `recorded`). */
    answers?: Record<string, Answer | Answer[]>;
    copy?: (text: string) => Promise<void>;
  } = {},
) {
  const api = withFaults(
    recorded({ ...consoleAnswers(options.scope ?? "admin", options.bound ?? null), ...options.answers }),
  );
  if (options.connected !== false) {
    await consoleConnectionItem.setValue({ workerUrl: WORKER, apiKey: KEY });
  }
  const copied: string[] = [];
  const deps: ConsoleDeps = {
    fetch: api.fetch,
    sleep: async () => {},
    requestHostPermission: vi.fn(async () => true),
    copy:
      options.copy ??
      (async (text) => {
        copied.push(text);
      }),
    now: () => new Date("2024-06-01T00:00:00Z"),
  };
  render(<Console deps={deps} />, { container: document.body.appendChild(document.createElement("main")) });
  return { api, deps, copied };
}

/** A File whose `text()`/`arrayBuffer()` work in happy-dom, set on a file input. */
export function setFiles(input: HTMLElement, files: File[]) {
  Object.defineProperty(input, "files", { value: files, configurable: true });
}

export function pngOfSize(bytes: number): File {
  const data = new Uint8Array(bytes);
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new File([data], `logo-${bytes}.png`, { type: "image/png" });
}
