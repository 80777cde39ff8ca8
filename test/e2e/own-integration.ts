// An integration of its own for one e2e file, with an ingest key bound to it, so a file's
// expectations (version 1, what a replacement removes) do not depend on which files ran before.
import { inject } from "vitest";

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${inject("workerUrl")}${path}`, {
    method: "POST",
    headers: { "x-api-key": inject("adminKey"), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function ownIntegration(
  name: string,
  displayName = name,
): Promise<{ integrationId: string; ingestKey: string }> {
  const integration = await post<{ id: string }>("/v1/integrations", {
    name,
    displayName,
    logo: "#1A73E8",
    contexts: ["saas_users", "list_employees", "access_relations"],
  });
  const key = await post<{ secret: string }>("/v1/keys", {
    name: `${name} ingest key`,
    scope: "ingest",
    integrationId: integration.id,
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  return { integrationId: integration.id, ingestKey: key.secret };
}
