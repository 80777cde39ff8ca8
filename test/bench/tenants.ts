// Benchmark: tenants across data databases (issue 21), through `wrangler dev` with local D1s and
// a local R2 bucket:
// - 20 tenants uploading at once, placed over the data databases, beside 20 tenants moved first
//   onto one database uploading the same (total rows per second);
// - a tenant of BENCH_TENANTS_MOVE_ROWS records (1,000,000) moved while another tenant, on the
//   move's target database, uploads batch after batch (that tenant's batch latency before and during);
// - a 586,880-record version archived to R2 (one Cron Trigger run) and restored.
// The Worker runs with MOVE_GRACE_SECONDS=0 (the move's wait for running requests is not measured)
// and VERSIONS_HOT=1 (the version before the current one is archived).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureOperatorToken, migrateLocal, startWorker } from "../../scripts/local-worker.ts";
import { SAAS_USERS_CSV_HEADER, saasUsersCsvLines } from "./generate.ts";
import { uploadSync } from "./upload.ts";

export interface TenantsRow {
  databases: string[];
  parallel: {
    tenants: number;
    rowsEach: number;
    spread: { seconds: number; rowsPerSecond: number; perDatabase: Record<string, number> };
    oneDatabase: { seconds: number; rowsPerSecond: number; database: string };
    /** Spread rows/s ÷ one database's. */
    ratio: number;
  };
  move: {
    records: number;
    from: string;
    to: string;
    seconds: number;
    otherBatchMsP95Before: number;
    otherBatchMsP95During: number;
    otherBatchesBefore: number;
    otherBatchesDuring: number;
  };
  archive: { records: number; archiveSeconds: number; restoreSeconds: number; restoredVersion: number };
}

const BATCH_ROWS = 5000;
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
const p95 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0);
};

interface Tenant {
  id: string;
  key: string;
  base: string;
  database: string;
}

export async function benchTenants(port = 8797): Promise<TenantsRow> {
  const operatorToken = ensureOperatorToken();
  const persistTo = mkdtempSync(join(tmpdir(), "intake-bench-tenants-"));
  migrateLocal(persistTo);
  const worker = await startWorker({
    port,
    persistTo,
    vars: { MOVE_GRACE_SECONDS: "0", VERSIONS_HOT: "1" },
    testScheduled: true,
  });
  const url = worker.url;
  const operator = { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" };
  const ask = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${url}${path}`, init);
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  const newTenant = async (name: string): Promise<Tenant> => {
    const made = await ask<{ tenant: { id: string; database: string }; secret: string }>("/v1/tenants", {
      method: "POST",
      headers: operator,
      body: JSON.stringify({ name }),
    });
    const key = made.secret;
    const integration = await ask<{ id: string }>("/v1/integrations", {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ name, contexts: ["saas_users"] }),
    });
    return {
      id: made.tenant.id,
      key,
      base: `${url}/v1/integrations/${integration.id}/contexts/saas_users`,
      database: made.tenant.database,
    };
  };
  const moveTo = async (tenant: Tenant, database: string): Promise<number> => {
    const start = performance.now();
    await ask(`/v1/tenants/${tenant.id}/move`, {
      method: "POST",
      headers: operator,
      body: JSON.stringify({ database }),
    });
    for (;;) {
      const info = await ask<{ database: string; move: { phase: string; error: string | null } }>(
        `/v1/tenants/${tenant.id}`,
        { headers: operator },
      );
      if (info.move.phase === "done") break;
      if (info.move.phase === "rolled-back")
        throw new Error(`move of ${tenant.id} rolled back: ${info.move.error}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    tenant.database = database;
    return performance.now() - start;
  };
  try {
    const databases = (
      await ask<{ data: { name: string }[] }>("/v1/databases", { headers: operator })
    ).data.map((d) => d.name);
    const rowsEach = Number(process.env.BENCH_TENANTS_ROWS ?? 25_000);
    const { lines: all } = saasUsersCsvLines(Math.max(rowsEach, 586_880) * 95);
    const each = all.slice(0, rowsEach);

    // 1. Twenty tenants uploading at once: placed over the databases, then all on one.
    const uploadAll = async (tenants: Tenant[]) => {
      const start = performance.now();
      await Promise.all(
        tenants.map((t) =>
          uploadSync(t.base, { "x-api-key": t.key }, each, 1, { expectedRecords: each.length }),
        ),
      );
      return performance.now() - start;
    };
    const spreadTenants: Tenant[] = [];
    for (let i = 0; i < 20; i++) spreadTenants.push(await newTenant(`Spread ${i}`));
    const perDatabase: Record<string, number> = {};
    for (const t of spreadTenants) perDatabase[t.database] = (perDatabase[t.database] ?? 0) + 1;
    const spreadMs = await uploadAll(spreadTenants);
    const one = databases[0] as string;
    const oneTenants: Tenant[] = [];
    for (let i = 0; i < 20; i++) oneTenants.push(await newTenant(`One ${i}`));
    for (const t of oneTenants) if (t.database !== one) await moveTo(t, one);
    const oneMs = await uploadAll(oneTenants);
    const rows = 20 * rowsEach;

    // 2. A big tenant moved while another uploads on the move's target.
    const moveRows = Number(process.env.BENCH_TENANTS_MOVE_ROWS ?? 1_000_000);
    const big = await newTenant("Big");
    const bigLines =
      moveRows <= all.length
        ? all.slice(0, moveRows)
        : saasUsersCsvLines(moveRows * 95).lines.slice(0, moveRows);
    await uploadSync(big.base, { "x-api-key": big.key }, bigLines, 3, { expectedRecords: bigLines.length });
    const other = await newTenant("Other");
    const to =
      other.database !== big.database
        ? other.database
        : (databases.find((d) => d !== big.database) as string);
    if (other.database !== to) await moveTo(other, to);
    const from = big.database;
    const sync = await ask<{ syncId: string }>(`${other.base.slice(url.length)}/syncs`, {
      method: "POST",
      headers: { "x-api-key": other.key },
    });
    const latencies: { ms: number; during: boolean }[] = [];
    let moving = false;
    let stop = false;
    let seq = 0;
    const body = `${SAAS_USERS_CSV_HEADER}\n${each.slice(0, BATCH_ROWS).join("\n")}\n`;
    const uploader = (async () => {
      while (!stop) {
        seq++;
        const during = moving;
        const start = performance.now();
        const response = await fetch(`${other.base}/syncs/${sync.syncId}/batches/${seq}`, {
          method: "PUT",
          headers: { "x-api-key": other.key, "content-type": "text/csv" },
          body,
        });
        await response.text();
        if (response.status === 429) {
          seq--;
          await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get("retry-after") ?? 5)));
          continue;
        }
        if (!response.ok) throw new Error(`other tenant's batch ${seq}: ${response.status}`);
        latencies.push({ ms: performance.now() - start, during: during && moving });
      }
    })();
    await new Promise((r) => setTimeout(r, 15_000));
    moving = true;
    const moveMs = await moveTo(big, to);
    moving = false;
    stop = true;
    await uploader;
    const before = latencies.filter((l) => !l.during).map((l) => l.ms);
    const during = latencies.filter((l) => l.during).map((l) => l.ms);

    // 3. A 586,880-record version archived (VERSIONS_HOT=1: once a second version exists) and restored.
    const archived = await newTenant("Archived");
    const version = all.slice(0, 586_880);
    await uploadSync(archived.base, { "x-api-key": archived.key }, version, 3, {
      expectedRecords: version.length,
    });
    await uploadSync(archived.base, { "x-api-key": archived.key }, version.slice(0, 1000), 3, {
      expectedRecords: 1000,
      confirmReplacement: true,
    });
    const archiveStart = performance.now();
    const cron = await fetch(`${url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
    await cron.text();
    const archiveMs = performance.now() - archiveStart;
    const list = await ask<{ data: { version: number; storage: string }[] }>(
      `${archived.base.slice(url.length)}/versions`,
      { headers: { "x-api-key": archived.key } },
    );
    if (list.data.find((v) => v.version === 1)?.storage !== "archive")
      throw new Error(`version 1 was not archived: ${JSON.stringify(list.data)}`);
    const restoreStart = performance.now();
    const restored = await ask<{ version: number }>(`${archived.base.slice(url.length)}/versions/1/restore`, {
      method: "POST",
      headers: { "x-api-key": archived.key },
    });
    const restoreMs = performance.now() - restoreStart;

    return {
      databases,
      parallel: {
        tenants: 20,
        rowsEach,
        spread: {
          seconds: seconds(spreadMs),
          rowsPerSecond: Math.round(rows / (spreadMs / 1000)),
          perDatabase,
        },
        oneDatabase: {
          seconds: seconds(oneMs),
          rowsPerSecond: Math.round(rows / (oneMs / 1000)),
          database: one,
        },
        ratio: Number((oneMs / spreadMs).toFixed(2)),
      },
      move: {
        records: bigLines.length,
        from,
        to,
        seconds: seconds(moveMs),
        otherBatchMsP95Before: p95(before),
        otherBatchMsP95During: p95(during),
        otherBatchesBefore: before.length,
        otherBatchesDuring: during.length,
      },
      archive: {
        records: version.length,
        archiveSeconds: seconds(archiveMs),
        restoreSeconds: seconds(restoreMs),
        restoredVersion: restored.version,
      },
    };
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
