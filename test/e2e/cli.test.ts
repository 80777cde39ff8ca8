// End to end: the `intake` command line (cli/bin.mjs, a child process like cron would start)
// against the real Worker under wrangler dev: validate offline, push then pull the same rows back,
// exit codes for a broken file, a refused key and a risky replacement, status --json, a push
// killed between batches and run again resuming the same sync into one version, and parity: the
// CLI's offline report equals the Worker's POST …/validate report on the same files.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type {
  DatasetVersion,
  Ingestion,
  IntegrationStatus,
  ValidateResponse,
} from "../../schemas/api-types.ts";
import type { Issue, ValidationReport } from "../../schemas/index.ts";
import { ownIntegration } from "./own-integration.ts";

const BIN = join(import.meta.dirname, "..", "..", "cli", "bin.mjs");

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let dir: string;
let own: { integrationId: string; ingestKey: string };

/** Runs `intake …` in the temp folder with the Worker's URL and the integration's ingest key. */
function intake(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        INTAKE_URL: inject("workerUrl"),
        INTAKE_KEY: own.ingestKey,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${inject("workerUrl")}${path}`, {
    ...init,
    headers: { "x-api-key": own.ingestKey, ...(init.headers as Record<string, string>) },
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

const contextPath = (context: string) => `/v1/integrations/${own.integrationId}/contexts/${context}`;
const versions = async (context: string) =>
  (await api<{ data: DatasetVersion[] }>(`${contextPath(context)}/versions`)).data;

function employees(n: number, from = 1) {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      id: `E${String(i).padStart(4, "0")}`,
      employee_name: `Name ${i}`,
      email: `e${i}@example.com`,
      department: `Dept ${i % 4}`,
    };
  });
}

const csvOf = (rows: Record<string, string>[]) =>
  `${Object.keys(rows[0] ?? {}).join(",")}\n${rows.map((r) => Object.values(r).join(",")).join("\n")}\n`;

const put = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "intake-e2e-cli-"));
  own = await ownIntegration("cli-e2e", "CLI automation");
});

describe("intake against the real Worker", () => {
  it("validate exits 0 on a good file and 1 with a JSON report on a broken one (offline)", async () => {
    put("good.csv", csvOf(employees(20)));
    const good = await intake(["validate", "good.csv", "--context", "list_employees"], { INTAKE_URL: "" });
    expect([good.code, good.stdout]).toEqual([0, "20 records: valid, 0 errors, 0 warnings\n"]);
    put(
      "broken.csv",
      csvOf(employees(20)).replace("e3@example.com", "e3-at-example.com").replace("E0005", "E0004"),
    );
    const broken = await intake(["validate", "broken.csv", "-c", "list_employees", "--json"], {
      INTAKE_URL: "",
    });
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout) as ValidationReport;
    expect(report).toMatchObject({ valid: false, recordCount: 20, errorCount: 2 });
    expect(report.errors.map((e) => [e.row, e.line, e.field, e.keyword])).toEqual([
      [3, 4, "email", "format"],
      [5, 6, "id", "duplicate-key"],
    ]);
  });

  it("push exits 0 and prints the version; pull gives the same rows back", async () => {
    const rows = employees(40);
    put("employees.csv", csvOf(rows));
    const pushed = await intake(["push", "employees.csv", "-i", own.integrationId, "-c", "list_employees"]);
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toMatch(/\nCommitted version 1: 40 records \(sync syn_[0-9a-f]+\)\.\n$/);
    expect(pushed.stdout).toContain("No data yet: this upload becomes version 1 with 40 records.");
    expect(pushed.stderr).toContain("mapping: id, employee_name, email, department\n");
    const json = await intake(["pull", "-i", own.integrationId, "-c", "list_employees", "--format", "json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(rows);
    const csv = await intake(["pull", "-i", own.integrationId, "-c", "list_employees", "-q"]);
    const lines = csv.stdout.trimEnd().split("\r\n");
    expect(lines).toHaveLength(41);
    expect(lines[1]).toBe("E0001,Name 1,,,e1@example.com,,,,,,,,Dept 1,");
    // The same file again commits nothing new.
    const again = await intake([
      "push",
      "employees.csv",
      "-i",
      own.integrationId,
      "-c",
      "list_employees",
      "-q",
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing changed — version 1 stays current (40 records).\n");
    expect((await versions("list_employees")).map((v) => v.version)).toEqual([1]);
  });

  it("a broken file exits 1 and commits nothing; a refused key exits 3 without printing it", async () => {
    put("broken.csv", csvOf(employees(40)).replace("e7@example.com", "nope"));
    const broken = await intake([
      "push",
      "broken.csv",
      "-i",
      own.integrationId,
      "-c",
      "list_employees",
      "-q",
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      'row 7 line 8 email: email must be an email address, e.g. jane.doe@example.com; got "nope"',
    );
    expect(broken.stderr).toContain("The file is not valid: nothing was sent.");
    const wrongKey = `${own.ingestKey.slice(0, -4)}XXXX`;
    const refused = await intake(["push", "employees.csv", "-i", own.integrationId, "-c", "list_employees"], {
      INTAKE_KEY: wrongKey,
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("The key was refused (401)");
    expect(refused.stdout + refused.stderr).not.toContain(wrongKey);
    expect((await versions("list_employees")).map((v) => v.version)).toEqual([1]);
  });

  it("a replacement removing most records exits 5 without --yes and commits with it", async () => {
    put("few.csv", csvOf(employees(5)));
    const refused = await intake(["push", "few.csv", "-i", own.integrationId, "-c", "list_employees", "-q"]);
    expect(refused.code).toBe(5);
    expect(refused.stdout).toContain("! This upload removes 35 of the 40 records in version 1 (88 %).\n");
    expect((await versions("list_employees")).map((v) => v.version)).toEqual([1]);
    const confirmed = await intake([
      "push",
      "few.csv",
      "-i",
      own.integrationId,
      "-c",
      "list_employees",
      "--yes",
      "--json",
      "-q",
    ]);
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toMatchObject({ status: "committed", version: 2, recordCount: 5 });
  });

  it("status --json gives the integration's status per context", async () => {
    const ran = await intake(["status", "--integration", own.integrationId, "--json"]);
    expect(ran.code).toBe(0);
    const {
      name,
      computedAt: _at,
      ...status
    } = JSON.parse(ran.stdout) as IntegrationStatus & { name: string };
    expect(name).toBe("CLI automation");
    const { computedAt: _now, ...worker } = await api<IntegrationStatus>(
      `/v1/integrations/${own.integrationId}/status`,
    );
    expect(status).toEqual(worker);
    expect(status.integrationId).toBe(own.integrationId);
    expect(status.contexts.map((c) => [c.context, c.lastCommitAt !== null])).toEqual([
      ["saas_users", false],
      ["list_employees", true],
      ["access_relations", false],
    ]);
    const text = await intake(["status", "-i", own.integrationId]);
    expect(text.stdout.split("\n")[0]).toBe(`CLI automation (${own.integrationId}): ${worker.status}`);
  });

  it("a push killed between batches, run again, resumes the same sync and commits one version", async () => {
    put("big.csv", csvOf(employees(60, 100)));
    const args = [
      "push",
      "big.csv",
      "-i",
      own.integrationId,
      "-c",
      "list_employees",
      "--batch-size",
      "10",
      "--yes",
    ];
    const killed = await intake(args, { INTAKE_CLI_STOP_AFTER_BATCH: "2" });
    expect([killed.code, killed.signal]).toEqual([null, "SIGKILL"]);
    const stateFiles = readdirSync(join(dir, ".intake"));
    expect(stateFiles).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(dir, ".intake", stateFiles[0] as string), "utf8")) as {
      syncId: string;
      batches: Record<string, number>;
    };
    // Two batches acknowledged before the kill; with three in flight, which two is up to the
    // network (1 and 2, or 1 and 3).
    expect(Object.values(state.batches)).toEqual([10, 10]);
    expect(Object.keys(state.batches).every((seq) => ["1", "2", "3"].includes(seq))).toBe(true);
    const before = await versions("list_employees");

    const resumed = await intake([...args, "--json"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`Resuming sync ${state.syncId}: `);
    const outcome = JSON.parse(resumed.stdout) as { syncId: string; version: number; resumed: boolean };
    expect(outcome).toMatchObject({
      status: "committed",
      syncId: state.syncId,
      resumed: true,
      recordCount: 60,
    });
    const after = await versions("list_employees");
    expect(after.map((v) => v.version)).toEqual([outcome.version, ...before.map((v) => v.version)]);
    const commits = (
      await api<{ data: Ingestion[] }>(
        `/v1/integrations/${own.integrationId}/ingestions?context=list_employees&limit=50`,
      )
    ).data.filter((i) => i.kind === "commit" && i.outcome === "success");
    expect(commits.filter((i) => i.syncId === state.syncId)).toHaveLength(1);
    expect(readdirSync(join(dir, ".intake"))).toEqual([]);
    const pulled = await intake([
      "pull",
      "-i",
      own.integrationId,
      "-c",
      "list_employees",
      "-f",
      "ndjson",
      "-q",
    ]);
    expect(
      pulled.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual(employees(60, 100));
  });
});

// --- parity: the CLI's offline report and the Worker's validate report on the same files --------

type Row = [number, number | null, string, string, string];
const rowOf = (i: Issue): Row => [i.row, i.line ?? null, i.pointer, i.keyword, i.message];
const sorted = (issues: Issue[]) => issues.map((i) => JSON.stringify(rowOf(i))).sort();

const USERS_HEADER = "emailId,firstName,lastName,role,createdOn,userStatus,mfaEnrolmentStatus";
const PARITY_FILES: { name: string; type: string; errors: number; text: string }[] = [
  {
    name: "users-valid.csv",
    type: "text/csv",
    errors: 0,
    text: `${USERS_HEADER}\nann@example.com,Ann,Lee,ADMIN,01012024,ACTIVE,true\nbob@example.com,Bob,Ray,USER,02012024,DISABLED,false\ncarl@example.com,Carl,Oz,USER,03012024,ACTIVE,true\n`,
  },
  {
    name: "users-invalid.csv",
    type: "text/csv",
    errors: 7,
    text: [
      USERS_HEADER,
      "ann@example.com,Ann,Lee,ADMIN,01012024,ACTIVE,true",
      "bob-at-example.com,Bob,Ray,USER,31022024,DISABLED,false",
      ",Carl,Oz,USER,03012024,ACTIVE,true",
      "",
      "dina@example.com,Dina,Kay,USER,2024-01-04,ACTIVE,maybe",
      "ANN@example.com,Ann,Lee,ADMIN,01012024,ACTIVE,true",
      "eve@example.com,Eve,Fox,USER,05012024,ACTIVE,true,extra",
    ].join("\r\n"),
  },
  {
    name: "employees.json",
    type: "application/json",
    errors: 4,
    text: JSON.stringify({
      data: [
        {
          id: "E1",
          email: "e1@example.com",
          hiring_date: "2024-05-01T00:00:00Z",
          termination_date: "2023-01-01T00:00:00Z",
        },
        { id: "E2", email: "not an email", hiring_date: "yesterday" },
        { id: "E1", employee_name: "Again" },
        { employee_name: "No id" },
      ],
    }),
  },
  {
    name: "employees.ndjson",
    type: "application/x-ndjson",
    errors: 2,
    text: `${[
      { id: "E10", email: "e10@example.com", department: "R&D" },
      { id: "E11", email: "e11@@example.com" },
      { id: "E12", hiring_date: "2024-13-01T00:00:00Z" },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n")}\n`,
  },
];

describe("parity: the CLI's offline report equals the Worker's validate report", () => {
  it.each(PARITY_FILES.map((f) => [f.name, f] as const))("%s", async (name, file) => {
    const context = name.startsWith("users") ? "saas_users" : "list_employees";
    put(name, file.text);
    const cli = await intake(["validate", name, "-c", context, "--json", "-q"], { INTAKE_URL: "" });
    expect(cli.code).toBe(file.errors === 0 ? 0 : 1);
    const local = JSON.parse(cli.stdout) as ValidationReport;
    const worker = await api<ValidateResponse>(`${contextPath(context)}/validate`, {
      method: "POST",
      headers: { "content-type": file.type },
      body: file.text,
    });
    expect([local.valid, local.recordCount, local.errorCount, local.warningCount]).toEqual([
      worker.valid,
      worker.recordCount,
      worker.errorCount,
      worker.warningCount,
    ]);
    expect(sorted([...local.errors, ...local.warnings])).toEqual(
      sorted([...worker.errors, ...worker.warnings]),
    );
    expect(local.errorCount).toBe(file.errors);
  });
});
