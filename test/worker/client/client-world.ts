// The extension's API client wired to the Worker under test through the fault injector: a fresh
// tenant, integration and bound ingest key per call (dataWorld), no waiting between retries.
import { exports } from "cloudflare:workers";
import { type ApiClientOptions, createApiClient } from "../../../extension/api-client.ts";
import { withFaults } from "../../extension/fake-api.ts";
import { dataWorld } from "../data-helpers.ts";
import { ORIGIN } from "../helpers.ts";

/** The Worker under test as a fetch. */
export const worker = (input: RequestInfo | URL, init?: RequestInit) =>
  exports.default.fetch(new Request(input, init));

export async function clientWorld(
  contexts = ["saas_users"],
  options: Partial<ApiClientOptions> & { key?: "ingest" | "admin" } = {},
) {
  const { key, ...rest } = options;
  const world = await dataWorld(contexts);
  const api = withFaults(worker);
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
