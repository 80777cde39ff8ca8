// intake pull (pages streamed in CSV, JSON or NDJSON, pinned to one version, retried like the
// client), status, contexts and schema, in-process against an in-memory Worker.
import { describe, expect, it } from "vitest";
import { type PullFormat, recordWriter } from "../../cli/commands/pull.ts";
import { getSchema, type IntakeRecord } from "../../schemas/index.ts";
import { FakeIntakeApi } from "../extension/fake-api.ts";
import { runCli, tempDir } from "./helpers.ts";

const KEY = new FakeIntakeApi().apiKey;

/** The in-memory Worker with GET …/records (pages of `limit`, cursor "v<version>.<index>"). */
function withRecords(api: FakeIntakeApi, faults: { status: number; retryAfter?: string }[] = []) {
  const served: string[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const m = /^\/v1\/integrations\/([^/]+)\/contexts\/([^/]+)\/records$/.exec(url.pathname);
    if (!m) return api.fetch(input, init);
    served.push(url.search);
    if ((init.headers as Record<string, string>)["x-api-key"] !== api.apiKey)
      return Response.json({ type: "unauthorized", title: "Unauthorized", status: 401 }, { status: 401 });
    const fault = faults.shift();
    if (fault)
      return new Response("{}", {
        status: fault.status,
        statusText: "Service Unavailable",
        headers: fault.retryAfter ? { "retry-after": fault.retryAfter } : {},
      });
    const dataset = api.datasets.get(`${m[1]}/${m[2]}`);
    if (!dataset) return Response.json({ version: null, data: [], nextCursor: null });
    const limit = Number(url.searchParams.get("limit"));
    const from = Number(url.searchParams.get("cursor")?.split(".")[1] ?? 0);
    const data = dataset.records.slice(from, from + limit);
    const next = from + limit < dataset.records.length ? `v${dataset.version}.${from + limit}` : null;
    return Response.json({
      version: dataset.version,
      recordCount: dataset.records.length,
      data,
      nextCursor: next,
    });
  };
  return { fetch, served };
}

function employees(n: number): IntakeRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `E${i + 1}`,
    employee_name: `Name ${i + 1}`,
    department: "R&D",
  }));
}

const env = { INTAKE_URL: "http://intake.test", INTAKE_KEY: KEY };

describe("intake pull", () => {
  it("streams every page of the current version, in each format", async () => {
    const api = new FakeIntakeApi();
    const records = employees(2500);
    api.addVersion("int_acme/list_employees", records, "sync");
    const { fetch, served } = withRecords(api);
    const dir = tempDir();
    const args = ["pull", "-i", "int_acme", "-c", "list_employees", "-q"];
    const json = await runCli([...args, "--format", "json"], { cwd: dir, env, fetch });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(records);
    expect(served).toEqual(["?limit=1000", "?limit=1000&cursor=v1.1000", "?limit=1000&cursor=v1.2000"]);
    const ndjson = await runCli([...args, "-f", "ndjson"], { cwd: dir, env, fetch });
    expect(
      ndjson.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual(records);
    const csv = await runCli(args, { cwd: dir, env, fetch });
    const rows = csv.stdout.split("\r\n");
    expect(rows[0]).toBe(Object.keys(getSchema("list_employees")?.properties ?? {}).join(","));
    expect(rows[1]).toBe("E1,Name 1,,,,,,,,,,,R&D,");
    expect(rows).toHaveLength(2502);
  });

  it("writes an empty array, a header or nothing when there is no data yet", () => {
    const cases: [PullFormat, string][] = [
      ["json", "[]\n"],
      ["ndjson", ""],
      ["csv", "a,b\r\n"],
    ];
    for (const [format, expected] of cases) {
      const writer = recordWriter(format, ["a", "b"]);
      expect(writer.start() + writer.page([]) + writer.end()).toBe(expected);
    }
  });

  it("escapes formula-looking values in CSV as the Worker's export does", () => {
    const writer = recordWriter("csv", ["id", "note"]);
    expect(
      writer.page([
        { id: "1", note: '=HYPERLINK("x")' },
        { id: "2", note: "-2" },
      ]),
    ).toBe(`1,"'=HYPERLINK(""x"")"\r\n2,-2\r\n`);
  });

  it("retries a 503 with Retry-After, and exits 4 when the Worker keeps failing", async () => {
    const api = new FakeIntakeApi();
    api.addVersion("int_acme/list_employees", employees(3), "sync");
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const once = withRecords(api, [{ status: 503, retryAfter: "7" }]);
    const ok = await runCli(["pull", "-i", "int_acme", "-c", "list_employees", "-f", "ndjson", "-q"], {
      cwd: tempDir(),
      env,
      fetch: once.fetch,
      sleep,
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout.trimEnd().split("\n")).toHaveLength(3);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(7000);
    expect(waits[0]).toBeLessThan(7500);
    const always = withRecords(api, Array(5).fill({ status: 503 }));
    const failed = await runCli(["pull", "-i", "int_acme", "-c", "list_employees", "-q"], {
      cwd: tempDir(),
      env,
      fetch: always.fetch,
      sleep,
    });
    expect(failed.code).toBe(4);
    expect(failed.stderr).toBe("The Worker answered 503: Service Unavailable\n");
    expect(always.served).toHaveLength(5);
  });

  it("refuses a version that is not the current one (exit 2) and a refused key (exit 3)", async () => {
    const api = new FakeIntakeApi();
    api.addVersion("int_acme/list_employees", employees(3), "sync");
    api.addVersion("int_acme/list_employees", employees(4), "sync");
    const { fetch } = withRecords(api);
    const old = await runCli(["pull", "-i", "int_acme", "-c", "list_employees", "--version", "1"], {
      cwd: tempDir(),
      env,
      fetch,
    });
    expect(old.code).toBe(2);
    expect(old.stderr).toBe(
      "The current version is 2, not 1; the Worker serves the current version's records (restore version 1 to read it)\n",
    );
    expect(old.stdout).toBe("");
    const current = await runCli(
      ["pull", "-i", "int_acme", "-c", "list_employees", "--version", "2", "-f", "json"],
      {
        cwd: tempDir(),
        env,
        fetch,
      },
    );
    expect(current.code).toBe(0);
    expect(JSON.parse(current.stdout)).toHaveLength(4);
    const refused = await runCli(["pull", "-i", "int_acme", "-c", "list_employees", "-f", "json"], {
      cwd: tempDir(),
      env: { ...env, INTAKE_KEY: "intk_key_nope_0000" },
      fetch,
    });
    expect(refused.code).toBe(3);
  });
});

describe("intake status, contexts and schema", () => {
  it("status prints each context's state and reasons, and --json the Worker's status", async () => {
    const api = new FakeIntakeApi();
    api.addVersion("int_acme/saas_users", [{ emailId: "a@example.com" }], "sync");
    const text = await runCli(["status"], { cwd: tempDir(), env, fetch: api.fetch });
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n").slice(0, 2)).toEqual([
      "Acme (int_acme): Ready",
      "  - list_employees: No data yet; a usable key is ready",
    ]);
    expect(text.stdout).toMatch(/\n {2}saas_users {6}Active {2}last commit \d{1,2} Jun 2024, \d\d:00\n/);
    const json = await runCli(["status", "-i", "int_acme", "--json"], {
      cwd: tempDir(),
      env,
      fetch: api.fetch,
    });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: "Acme",
      integrationId: "int_acme",
      status: "Ready",
      contexts: [
        { context: "saas_users", status: "Active" },
        { context: "list_employees", status: "Ready" },
      ],
    });
    const missing = await runCli(["status", "-i", "int_nope"], { cwd: tempDir(), env, fetch: api.fetch });
    expect(missing.code).toBe(3);
  });

  it("contexts and schema answer from the Worker, or from the built-in schemas without one", async () => {
    const api = new FakeIntakeApi();
    const listed = await runCli(["contexts", "--json"], { cwd: tempDir(), env, fetch: api.fetch });
    expect(listed.code).toBe(0);
    const names = (JSON.parse(listed.stdout) as { name: string }[]).map((c) => c.name);
    expect(names).toContain("saas_users");
    const offline = await runCli(["contexts"], { cwd: tempDir() });
    expect(offline.stdout).toMatch(/^saas_users +SaaS users \(Identity & Access, \d+-\d+-\d+\)\n/);
    const schema = await runCli(["schema", "saas_users"], { cwd: tempDir(), env, fetch: api.fetch });
    expect(JSON.parse(schema.stdout)).toEqual(getSchema("saas_users"));
    const builtIn = await runCli(["schema", "saas_users"], { cwd: tempDir() });
    expect(JSON.parse(builtIn.stdout)).toEqual(getSchema("saas_users"));
    const unknown = await runCli(["schema", "payroll"], { cwd: tempDir() });
    expect([unknown.code, unknown.stderr.split("\n")[0]]).toEqual([
      2,
      'Unknown context "payroll" (intake contexts lists them)',
    ]);
  });
});
