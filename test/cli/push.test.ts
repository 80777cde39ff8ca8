// intake push, in-process against the real Worker (worker.ts) with faults injected around its
// answers: local validation first, the diff, --yes for a risky replacement, exit codes, and resuming
// an interrupted push from its state file with the same sync and no batch sent twice.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { PushState } from "../../cli/push-state.ts";
import { jsonOf } from "../extension/fake-api.ts";
import { employeesCsv, put, type Ran, runCli, tempDir } from "./helpers.ts";
import { type CliWorld, cliWorld, workerUrl } from "./worker.ts";

let world: CliWorld;
let dir: string;
/** The syncs the Worker opened, in order: named sync_1, sync_2… in what the tests compare. */
let syncIds: string[];

beforeEach(async () => {
  world = await cliWorld();
  dir = tempDir();
  syncIds = [];
});

/** The CLI's network: the world's, noting each sync the Worker opens. */
const network: typeof fetch = async (input, init) => {
  const response = await world.api.fetch(input, init);
  if (init?.method === "POST" && String(input).endsWith("/syncs") && response.ok)
    syncIds.push(((await response.clone().json()) as { syncId: string }).syncId);
  return response;
};

/** `text` with each sync id as its name in order of opening (sync_1, sync_2…). */
const named = (text: string) => syncIds.reduce((out, id, i) => out.replaceAll(id, `sync_${i + 1}`), text);

function push(
  args: string[],
  extra: { key?: string; signal?: AbortSignal; afterBatch?: (n: number) => void; fetch?: typeof fetch } = {},
) {
  return runCli(["push", ...args, "-i", world.integrationId, "-c", "list_employees", "-q"], {
    cwd: dir,
    env: { INTAKE_URL: workerUrl(), INTAKE_KEY: extra.key ?? world.key },
    fetch: extra.fetch ?? network,
    ...(extra.signal ? { signal: extra.signal } : {}),
    ...(extra.afterBatch ? { afterBatch: extra.afterBatch } : {}),
  });
}

/** The current version of list_employees and its records. */
const stored = () => world.records("list_employees");
const sent = (method: string, pattern: RegExp) =>
  world.api.requests
    .filter((r) => r.method === method && pattern.test(r.path))
    .map((r) => named(r.path.split("/syncs/")[1] ?? r.path));
const stateFiles = () => {
  try {
    return readdirSync(join(dir, ".intake"));
  } catch {
    return [];
  }
};
const lines = (ran: Ran) => named(ran.stdout).trimEnd().split("\n");
const errors = (ran: Ran) => named(ran.stderr);

describe("intake push", () => {
  it("validates, shows the diff, commits and prints the version; the same file again changes nothing", async () => {
    const file = put(dir, "employees.csv", employeesCsv(12));
    const first = await push(["employees.csv"]);
    expect(first.code).toBe(0);
    expect(lines(first)).toEqual([
      `${file}: 12 records, valid.`,
      "No data yet: this upload becomes version 1 with 12 records.",
      "Committed version 1: 12 records (sync sync_1).",
    ]);
    const { version, data } = await stored();
    expect(version).toBe(1);
    expect(data).toHaveLength(12);
    expect(data[0]).toEqual({
      id: "E001",
      employee_name: "Name 1",
      email: "e1@example.com",
      department: "Dept 0",
    });
    const commit = world.api.requests.find((r) => r.path.endsWith("/commit"));
    expect(jsonOf(commit)).toEqual({ expectedRecords: 12 });
    // Batches go gzip'd and say which file row they start at.
    const batch = world.api.requests.find((r) => r.method === "PUT");
    expect([batch?.headers["content-encoding"], batch?.headers["intake-first-row"]]).toEqual(["gzip", "1"]);
    expect(stateFiles()).toEqual([]);

    const again = await push(["employees.csv"]);
    expect(again.code).toBe(0);
    expect(lines(again).slice(1)).toEqual([
      "Against version 1 (12 records): 0 added, 0 removed, 0 changed, 12 unchanged.",
      "Nothing changed — version 1 stays current (12 records).",
    ]);
  });

  it("stores a full-name column split into first and last name as the mapping file says", async () => {
    put(
      dir,
      "employees.csv",
      'id,Name,email\nE001,Mary Ann Smith,m@example.com\nE002,"Doe, Jane",j@example.com\n',
    );
    put(dir, "map.json", JSON.stringify({ splits: { Name: { first: "first_name", last: "last_name" } } }));
    const ran = await push(["employees.csv", "--mapping", "map.json"]);
    expect(ran.code).toBe(0);
    expect((await stored()).data).toEqual([
      { id: "E001", first_name: "Mary Ann", last_name: "Smith", email: "m@example.com" },
      { id: "E002", first_name: "Jane", last_name: "Doe", email: "j@example.com" },
    ]);
  });

  it("sends nothing when the file is invalid (exit 1) or has warnings without --allow-warnings", async () => {
    put(
      dir,
      "broken.csv",
      employeesCsv(5, (i) => (i === 3 ? "" : "")).replace("e2@example.com", "not-an-email"),
    );
    const broken = await push(["broken.csv"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      'row 2 line 3 email: email must be an email address, e.g. jane.doe@example.com; got "not-an-email"',
    );
    expect(broken.stderr).toContain("The file is not valid: nothing was sent.");
    put(
      dir,
      "leavers.csv",
      "id,employee_name,hiring_date,termination_date\nE001,Ann,2024-05-01T00:00:00Z,2023-01-01T00:00:00Z\nE002,Bob,,\nE003,Carl,,\n",
    );
    const warned = await push(["leavers.csv"]);
    expect(warned.code).toBe(1);
    expect(warned.stderr).toContain(
      "1 warning: nothing was sent. Pass --allow-warnings to push the file anyway.",
    );
    expect(sent("POST", /\/syncs$/)).toEqual([]);
    const allowed = await push(["leavers.csv", "--allow-warnings"]);
    expect(allowed.code).toBe(0);
    expect(lines(allowed).at(-1)).toBe("Committed version 1: 3 records (sync sync_1).");
  });

  it("refuses a replacement that removes most records with exit 5, and commits it with --yes", async () => {
    put(dir, "all.csv", employeesCsv(12));
    expect((await push(["all.csv"])).code).toBe(0);
    put(dir, "few.csv", employeesCsv(3));
    const refused = await push(["few.csv"]);
    expect(refused.code).toBe(5);
    expect(lines(refused).slice(1)).toEqual([
      "Against version 1 (12 records): 0 added, 9 removed, 0 changed, 3 unchanged.",
      "  removed: E004, E005, E006",
      "! This upload removes 9 of the 12 records in version 1 (75 %).",
      "Nothing was committed: this replacement needs an explicit yes. Run again with --yes to commit it.",
    ]);
    expect(sent("DELETE", /syncs\//)).toEqual(["sync_2"]);
    expect((await stored()).version).toBe(1);
    expect(stateFiles()).toEqual([]);

    const confirmed = await push(["few.csv", "--yes"]);
    expect(confirmed.code).toBe(0);
    expect(lines(confirmed).at(-1)).toBe("Committed version 2: 3 records (sync sync_3).");
    expect(jsonOf(world.api.requests.filter((r) => r.path.endsWith("/commit")).at(-1))).toEqual({
      expectedRecords: 3,
      confirmReplacement: true,
    });
  });

  it("--dry-run uploads and shows the diff, then aborts the sync; --json says so", async () => {
    put(dir, "all.csv", employeesCsv(12));
    const dry = await push(["all.csv", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      status: "dry-run",
      resumed: false,
      diff: { current: null, incoming: 12, added: 12 },
      concerns: [],
    });
    expect(dry.stderr).toContain(
      "Dry run: every batch was accepted; nothing was committed (the sync was aborted).",
    );
    expect(sent("DELETE", /syncs\//)).toEqual(["sync_1"]);
    expect(await stored()).toMatchObject({ version: null, data: [] });
    // A dry run of a replacement that needs --yes says so, with the exit code the real push would have.
    expect((await push(["all.csv"])).code).toBe(0);
    put(dir, "few.csv", employeesCsv(3));
    const risky = await push(["few.csv", "--dry-run"]);
    expect(risky.code).toBe(5);
    expect(lines(risky).slice(-2)).toEqual([
      "! This upload removes 9 of the 12 records in version 1 (75 %).",
      "Dry run: every batch was accepted; nothing was committed (the sync was aborted). Committing would need --yes.",
    ]);
    expect((await stored()).data).toHaveLength(12);
    expect((await push(["few.csv", "--dry-run", "--yes"])).code).toBe(0);
  });

  it("exits 3 when the key is refused, and never prints a key, even one a server echoes", async () => {
    put(dir, "employees.csv", employeesCsv(3));
    // Shaped like a key, but not one the Worker issued.
    const wrong = `${world.key.slice(0, -1)}${world.key.endsWith("A") ? "B" : "A"}`;
    const refused = await push(["employees.csv"], { key: wrong });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe("The key was refused (401): Unauthorized: The API key is not valid\n");
    world.api.failNext("GET", /^\/v1\/me$/, {
      status: 403,
      detail: `the key ${world.key} may not upload here`,
    });
    const echoed = await runCli(
      [
        "push",
        "employees.csv",
        "-i",
        world.integrationId,
        "-c",
        "list_employees",
        "--key",
        world.key,
        "--url",
        workerUrl(),
      ],
      { cwd: dir, fetch: network },
    );
    expect(echoed.code).toBe(3);
    expect(echoed.stderr).toContain("the key [key] may not upload here");
    expect(echoed.stderr).not.toContain(world.key);
  });

  it("exits 4 when the network fails after retries, keeps the sync, and the next run resumes it", async () => {
    put(dir, "employees.csv", employeesCsv(25));
    // Batch 3 fails on every attempt, once batches 1 and 2 are in (up to 3 go at once).
    let acknowledged = 0;
    let bothIn: () => void = () => {};
    const firstTwo = new Promise<void>((resolve) => {
      bothIn = resolve;
    });
    const offline = async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!String(input).endsWith("/batches/3")) return network(input, init);
      await firstTwo;
      return network(input, init);
    };
    world.api.failNext("PUT", /batches\/3$/, "network", 5);
    const failed = await push(["employees.csv", "--batch-size", "10"], {
      fetch: offline,
      afterBatch: (n) => {
        acknowledged = n;
        if (acknowledged === 2) bothIn();
      },
    });
    expect(failed.code).toBe(4);
    expect(failed.stderr).toContain(`Could not reach the Intake Worker at ${workerUrl()} (Failed to fetch)`);
    expect(errors(failed)).toMatch(
      /Sync sync_1 is kept open \(2 batches in; state in .*\.intake\/push-[0-9a-f]{16}\.json\)/,
    );
    expect(sent("DELETE", /syncs\//)).toEqual([]);
    expect(stateFiles()).toHaveLength(1);

    const resumed = await push(["employees.csv", "--batch-size", "10", "--json"]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(named(resumed.stdout))).toMatchObject({
      status: "committed",
      syncId: "sync_1",
      version: 1,
      resumed: true,
    });
    expect(errors(resumed)).toContain("Resuming sync sync_1: 2 batches already in.");
    // One sync, each batch stored once (batch 3 was tried 5 times by the first run's retries).
    expect(sent("POST", /\/syncs$/)).toHaveLength(1);
    expect(sent("PUT", /batches/)).toEqual([
      "sync_1/batches/1",
      "sync_1/batches/2",
      ...Array(5).fill("sync_1/batches/3"),
      "sync_1/batches/3",
    ]);
    expect((await stored()).data.map((r) => r.id)).toEqual(
      Array.from({ length: 25 }, (_, i) => `E${String(i + 1).padStart(3, "0")}`),
    );
    expect(stateFiles()).toEqual([]);
  });

  it("asks again for a commit the network interrupted, without sending a batch again", async () => {
    put(dir, "employees.csv", employeesCsv(12));
    world.api.failNext("POST", /\/commit$/, "network", 5);
    const failed = await push(["employees.csv"]);
    expect(failed.code).toBe(4);
    const batches = sent("PUT", /batches/).length;
    const resumed = await push(["employees.csv"]);
    expect(resumed.code).toBe(0);
    expect(errors(resumed)).toContain(
      "Resuming sync sync_1: its commit was sent before the interruption; asking again.",
    );
    expect(lines(resumed).at(-1)).toBe("Committed version 1: 12 records (sync sync_1).");
    expect(sent("PUT", /batches/)).toHaveLength(batches);
    expect(sent("POST", /\/syncs$/)).toHaveLength(1);
  });

  it("starts a new sync, aborting the old one, when the file changed since the interruption", async () => {
    put(dir, "employees.csv", employeesCsv(25));
    world.api.failNext("PUT", /batches\/2$/, "network", 5);
    expect((await push(["employees.csv", "--batch-size", "10"])).code).toBe(4);
    put(dir, "employees.csv", employeesCsv(26));
    const fresh = await push(["employees.csv", "--batch-size", "10"]);
    expect(fresh.code).toBe(0);
    expect(errors(fresh)).toContain(
      "The interrupted push of sync sync_1 is not resumed: the file, its mapping, the schema or --batch-size changed. Starting a new sync.",
    );
    expect(sent("DELETE", /syncs\//)).toEqual(["sync_1"]);
    expect(lines(fresh).at(-1)).toBe("Committed version 1: 26 records (sync sync_2).");
  });

  it("keeps the sync on Ctrl+C (exit 130) and resumes it on the next run", async () => {
    put(dir, "employees.csv", employeesCsv(25));
    const interrupt = new AbortController();
    const stopped = await push(["employees.csv", "--batch-size", "5"], {
      signal: interrupt.signal,
      afterBatch: (n) => n === 1 && interrupt.abort(new Error("Interrupted")),
    });
    expect(stopped.code).toBe(130);
    expect(errors(stopped)).toMatch(/Sync sync_1 is kept open \(1 batch in; state in /);
    expect(sent("DELETE", /syncs\//)).toEqual([]);
    // The batch the Worker acknowledged before Ctrl+C (up to 3 go at once: any of the first three).
    const state = JSON.parse(
      readFileSync(join(dir, ".intake", stateFiles()[0] as string), "utf8"),
    ) as PushState;
    const acknowledged = Object.keys(state.batches).map((seq) => `sync_1/batches/${seq}`);
    expect(acknowledged).toHaveLength(1);
    const resumed = await push(["employees.csv", "--batch-size", "5"]);
    expect(resumed.code).toBe(0);
    expect(lines(resumed).at(-1)).toBe("Committed version 1: 25 records (sync sync_1).");
    // It is not sent again; the batches stopped on their way are.
    const puts = sent("PUT", /batches/);
    expect(puts.filter((p) => p === acknowledged[0])).toHaveLength(1);
    expect(new Set(puts)).toEqual(new Set([1, 2, 3, 4, 5].map((n) => `sync_1/batches/${n}`)));
    expect((await stored()).data).toHaveLength(25);
  });

  it("exits 1 and aborts the sync when the Worker refuses the data, printing its report", async () => {
    put(dir, "employees.csv", employeesCsv(4));
    const report = {
      valid: false,
      recordCount: 4,
      errorCount: 1,
      warningCount: 0,
      errors: [
        {
          row: 2,
          line: 3,
          pointer: "/id",
          field: "id",
          keyword: "duplicate-key",
          message: "id E002 repeats row 1",
        },
      ],
      warnings: [],
      truncated: false,
    };
    world.api.failNext("PUT", /batches\/1$/, { status: 422, extra: { report } });
    const refused = await push(["employees.csv"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "The Worker refused the data (422): nothing was committed.\nrow 2 line 3 id: id E002 repeats row 1\n4 records: invalid, 1 error, 0 warnings\n",
    );
    expect(sent("DELETE", /syncs\//)).toEqual(["sync_1"]);
    expect(stateFiles()).toEqual([]);
  });

  it("exits 2 for a context the Worker does not have, or missing options", async () => {
    put(dir, "employees.csv", employeesCsv(3));
    const unknown = await runCli(["push", "employees.csv", "-i", world.integrationId, "-c", "payroll"], {
      cwd: dir,
      env: { INTAKE_URL: workerUrl(), INTAKE_KEY: world.key },
      fetch: network,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('The Worker has no context "payroll" (see intake contexts)');
    const noUrl = await runCli(["push", "employees.csv", "-i", world.integrationId, "-c", "list_employees"], {
      cwd: dir,
    });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("No Intake server: set INTAKE_URL or pass --url");
    const noIntegration = await runCli(["push", "employees.csv", "-c", "list_employees"], { cwd: dir });
    expect(noIntegration.code).toBe(2);
    expect(noIntegration.stderr).toContain("--integration is required");
  });
});
