// The Worker the CLI's tests push to and pull from (started by global-setup.ts): a tenant of each
// test's own with Acme's integration and a bound ingest key, made through the API, and the
// network the CLI is given, with faults injected on demand.
import { inject } from "vitest";
import { withFaults } from "../extension/fake-api.ts";

export const workerUrl = () => inject("cliWorkerUrl");

async function send<T>(
  method: string,
  path: string,
  auth: Record<string, string>,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${workerUrl()}${path}`, {
    method,
    headers: { ...auth, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface CliWorld {
  integrationId: string;
  /** An ingest key bound to the integration. */
  key: string;
  admin: string;
  /** The CLI's network: the real Worker, faults injected on demand, every request logged. */
  api: ReturnType<typeof withFaults>;
  /** `/v1/integrations/{id}/contexts/{context}` */
  base: (context: string) => string;
  /** Commits `records` as a new version of `context` (another client's upload). */
  commit: (context: string, records: unknown[]) => Promise<number>;
  /** The records of the current version of `context`. */
  records: (context: string) => Promise<{ version: number | null; data: Record<string, unknown>[] }>;
}

export async function cliWorld(contexts = ["saas_users", "list_employees"]): Promise<CliWorld> {
  const inYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const tenant = await send<{ secret: string }>(
    "POST",
    "/v1/tenants",
    { authorization: `Bearer ${inject("cliOperatorToken")}` },
    { name: "Acme Corp", adminKeyExpiresAt: inYear },
  );
  const admin = { "x-api-key": tenant.secret };
  const integration = await send<{ id: string }>("POST", "/v1/integrations", admin, {
    name: "Acme CRM",
    displayName: "Acme",
    contexts,
  });
  const ingest = await send<{ secret: string }>("POST", "/v1/keys", admin, {
    name: "laptop",
    scope: "ingest",
    integrationId: integration.id,
    expiresAt: inYear,
  });
  const key = { "x-api-key": ingest.secret };
  const base = (context: string) => `/v1/integrations/${integration.id}/contexts/${context}`;
  return {
    integrationId: integration.id,
    key: ingest.secret,
    admin: tenant.secret,
    api: withFaults((input, init) => fetch(input, init)),
    base,
    commit: async (context, records) => {
      const { syncId } = await send<{ syncId: string }>("POST", `${base(context)}/syncs`, key, {});
      await send("PUT", `${base(context)}/syncs/${syncId}/batches/1`, key, { data: records });
      const body = { expectedRecords: records.length, confirmReplacement: true };
      return (await send<{ version: number }>("POST", `${base(context)}/syncs/${syncId}/commit`, key, body))
        .version;
    },
    records: (context) => send("GET", `${base(context)}/records?limit=1000`, key),
  };
}
