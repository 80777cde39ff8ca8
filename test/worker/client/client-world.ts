// The extension's API client wired to the Worker under test through the fault injector: a fresh
// tenant, integration and bound ingest key per call (dataWorld), no waiting between retries.
import { env, exports } from "cloudflare:workers";
import { type ApiClientOptions, createApiClient } from "../../../extension/api-client.ts";
import { app } from "../../../worker/index.ts";
import { withFaults } from "../../extension/fake-api.ts";
import { dataWorld } from "../data-helpers.ts";
import { ORIGIN } from "../helpers.ts";

/**
 * The Worker under test as a fetch. A request sent is the Worker's to finish: the caller's abort
 * signal stops its wait for the answer (see withFaults), not the Worker.
 */
export const worker = (input: RequestInfo | URL, init: RequestInit = {}) =>
  exports.default.fetch(new Request(input, { ...init, signal: null }));

/** The Worker's app with other settings (e.g. smaller limits), as a fetch. */
export const workerWith =
  (vars: Partial<Env>) =>
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    Promise.resolve(
      app.request(new Request(input, { ...init, signal: null }), undefined, { ...env, ...vars }),
    );

export async function clientWorld(
  contexts = ["saas_users"],
  options: Partial<ApiClientOptions> & { key?: "ingest" | "admin"; vars?: Partial<Env> } = {},
) {
  const { key, vars, ...rest } = options;
  const world = await dataWorld(contexts);
  const api = withFaults(vars ? workerWith(vars) : worker);
  const sleeps: number[] = [];
  const client = createApiClient({
    baseUrl: ORIGIN,
    apiKey: key === "admin" ? world.admin : world.ingest,
    fetch: api.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...rest,
  });
  return { ...world, api, client, sleeps };
}
