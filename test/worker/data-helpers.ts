// Fixtures for data-plane tests: a fresh tenant + integration + bound ingest key per test (storage
// is shared within a file), records, syncs, and byte-exact snapshots of what a reader sees.
import { expect } from "vitest";
import { call, createIntegration, createKey, createTenant, inDays, json } from "./helpers.ts";

export const user = (i: number, extra: Record<string, unknown> = {}) => ({
  emailId: `user${i}@example.com`,
  firstName: `U${i}`,
  role: "USER",
  ...extra,
});

export const users = (from: number, to: number) => {
  const out: ReturnType<typeof user>[] = [];
  for (let i = from; i <= to; i++) out.push(user(i));
  return out;
};

export interface DataWorld {
  tenantId: string;
  /** The tenant's data database: its name and handle. */
  database: string;
  db: D1Database;
  admin: string;
  integrationId: string;
  /** An ingest key bound to the integration, valid for a year (no "expires soon" warning). */
  ingest: string;
  ingestKeyId: string;
  /** `/v1/integrations/{id}/contexts/{context}` */
  base: (context?: string) => string;
}

export async function dataWorld(
  contexts = ["saas_users"],
  keyName = "ingest key",
  on?: string,
): Promise<DataWorld> {
  const { tenantId, admin, db, database } = await createTenant("Acme", on);
  const integrationId = await createIntegration(admin, contexts);
  const key = await createKey(admin, { integrationId, name: keyName, expiresAt: inDays(365) });
  return {
    tenantId,
    database,
    db,
    admin,
    integrationId,
    ingest: key.secret,
    ingestKeyId: key.id,
    base: (context = contexts[0] as string) => `/v1/integrations/${integrationId}/contexts/${context}`,
  };
}

export async function submit(base: string, key: string, records: unknown[]): Promise<number> {
  const response = await call("POST", `${base}/records`, { key, body: { data: records } });
  expect(response.status).toBe(201);
  return (await json<{ version: number }>(response)).version;
}

export async function startSync(base: string, key: string): Promise<string> {
  const response = await call("POST", `${base}/syncs`, { key });
  expect(response.status).toBe(201);
  return (await json<{ syncId: string }>(response)).syncId;
}

export const putBatch = (base: string, key: string, syncId: string, seq: number, records: unknown) =>
  call("PUT", `${base}/syncs/${syncId}/batches/${seq}`, { key, body: records });

export const commitSync = (base: string, key: string, syncId: string, body?: unknown) =>
  call("POST", `${base}/syncs/${syncId}/commit`, { key, body });

/** Uploads `batches` as one sync and commits it; returns the new version. */
export async function syncUpload(base: string, key: string, batches: unknown[][]): Promise<number> {
  const syncId = await startSync(base, key);
  for (const [i, batch] of batches.entries())
    expect((await putBatch(base, key, syncId, i + 1, batch)).status).toBe(200);
  const response = await commitSync(base, key, syncId);
  expect(response.status).toBe(200);
  return (await json<{ version: number }>(response)).version;
}

/** Everything a reader sees of a dataset, as raw text: JSON page, CSV export, versions list. */
export interface Snapshot {
  records: string;
  csv: string;
  versions: string;
}

export async function snapshot(base: string, key: string): Promise<Snapshot> {
  const records = await call("GET", `${base}/records?limit=1000`, { key });
  const csv = await call("GET", `${base}/records?format=csv`, { key });
  const versions = await call("GET", `${base}/versions`, { key });
  expect([records.status, csv.status, versions.status]).toEqual([200, 200, 200]);
  return { records: await records.text(), csv: await csv.text(), versions: await versions.text() };
}

export async function currentData(
  base: string,
  key: string,
): Promise<{ version: number | null; data: unknown[] }> {
  const response = await call("GET", `${base}/records?limit=1000`, { key });
  expect(response.status).toBe(200);
  return json(response);
}

export async function versionNumbers(base: string, key: string): Promise<number[]> {
  const body = await json<{ data: { version: number }[] }>(await call("GET", `${base}/versions`, { key }));
  return body.data.map((v) => v.version);
}
