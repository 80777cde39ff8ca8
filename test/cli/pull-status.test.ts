// intake pull (pages streamed in CSV, JSON or NDJSON, pinned to one version, retried like the
// client), status, contexts and schema, in-process against the real Worker (worker.ts), faults
// injected around its answers.
import { describe, expect, it } from "vitest";
import { type PullFormat, recordWriter } from "../../cli/commands/pull.ts";
import { getSchema, type IntakeRecord } from "../../schemas/index.ts";
import { runCli, tempDir } from "./helpers.ts";
import { type CliWorld, cliWorld, workerUrl } from "./worker.ts";

/** The CLI's environment: the Worker's URL and the world's ingest key. */
const envOf = (world: CliWorld) => ({ INTAKE_URL: workerUrl(), INTAKE_KEY: world.key });
/** The query strings of the record pages the CLI asked for. */
const pages = (world: CliWorld) =>
  world.api.requests.filter((r) => r.path.endsWith("/records")).map((r) => r.search);

function employees(n: number): IntakeRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `E${i + 1}`,
    employee_name: `Name ${i + 1}`,
    department: "R&D",
  }));
}

describe("intake pull", () => {
  it("streams every page of the current version, in each format", async () => {
    const world = await cliWorld();
    const records = employees(2500);
    await world.commit("list_employees", records);
    const env = envOf(world);
    const fetch = world.api.fetch;
    const dir = tempDir();
    const args = ["pull", "-i", world.integrationId, "-c", "list_employees", "-q"];
    const json = await runCli([...args, "--format", "json"], { cwd: dir, env, fetch });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(records);
    const [first, ...next] = pages(world);
    expect(first).toBe("?limit=1000");
    expect(next).toEqual([
      expect.stringMatching(/^\?limit=1000&cursor=./),
      expect.stringMatching(/^\?limit=1000&cursor=./),
    ]);
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
    const world = await cliWorld();
    await world.commit("list_employees", employees(3));
    const env = envOf(world);
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    world.api.failNext("GET", /\/records$/, { status: 503, retryAfter: "7" });
    const args = ["pull", "-i", world.integrationId, "-c", "list_employees"];
    const ok = await runCli([...args, "-f", "ndjson", "-q"], {
      cwd: tempDir(),
      env,
      fetch: world.api.fetch,
      sleep,
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout.trimEnd().split("\n")).toHaveLength(3);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(7000);
    expect(waits[0]).toBeLessThan(7500);
    world.api.failNext("GET", /\/records$/, { status: 503 }, 5);
    const before = pages(world).length;
    const failed = await runCli([...args, "-q"], { cwd: tempDir(), env, fetch: world.api.fetch, sleep });
    expect(failed.code).toBe(4);
    expect(failed.stderr).toBe("The Worker answered 503: Service Unavailable\n");
    expect(pages(world).length - before).toBe(5);
  });

  it("refuses a version that is not the current one (exit 2) and a refused key (exit 3)", async () => {
    const world = await cliWorld();
    expect(await world.commit("list_employees", employees(3))).toBe(1);
    expect(await world.commit("list_employees", employees(4))).toBe(2);
    const env = envOf(world);
    const fetch = world.api.fetch;
    const pull = ["pull", "-i", world.integrationId, "-c", "list_employees"];
    const old = await runCli([...pull, "--version", "1"], {
      cwd: tempDir(),
      env,
      fetch,
    });
    expect(old.code).toBe(2);
    expect(old.stderr).toBe(
      "The current version is 2, not 1; the Worker serves the current version's records (restore version 1 to read it)\n",
    );
    expect(old.stdout).toBe("");
    const current = await runCli([...pull, "--version", "2", "-f", "json"], { cwd: tempDir(), env, fetch });
    expect(current.code).toBe(0);
    expect(JSON.parse(current.stdout)).toHaveLength(4);
    const refused = await runCli([...pull, "-f", "json"], {
      cwd: tempDir(),
      env: { ...env, INTAKE_KEY: "intk_key_nope_0000" },
      fetch,
    });
    expect(refused.code).toBe(3);
  });
});

describe("intake status, contexts and schema", () => {
  it("status prints each context's state and reasons, and --json the Worker's status", async () => {
    const world = await cliWorld();
    await world.commit("saas_users", [{ emailId: "a@example.com" }]);
    const env = envOf(world);
    const fetch = world.api.fetch;
    const text = await runCli(["status"], { cwd: tempDir(), env, fetch });
    expect(text.code).toBe(0);
    // Data flowing (Active) is the integration's status, with the reasons of the contexts that have it.
    expect(text.stdout.split("\n").slice(0, 2)).toEqual([
      `Acme (${world.integrationId}): Active`,
      expect.stringMatching(/^ {2}- saas_users: Data committed at \d{4}-\d\d-\d\dT/),
    ]);
    expect(text.stdout).toMatch(
      /\n {2}saas_users {6}Active {2}last commit \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d\n/,
    );
    expect(text.stdout).toMatch(
      /\n {2}list_employees {2}Ready {3}no data yet\n {18}- No data yet; a usable key is ready\n$/,
    );
    const json = await runCli(["status", "-i", world.integrationId, "--json"], {
      cwd: tempDir(),
      env,
      fetch,
    });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: "Acme",
      integrationId: world.integrationId,
      status: "Active",
      contexts: [
        { context: "saas_users", status: "Active" },
        { context: "list_employees", status: "Ready" },
      ],
    });
    const missing = await runCli(["status", "-i", "int_nope"], { cwd: tempDir(), env, fetch });
    expect(missing.code).toBe(3);
  });

  it("contexts and schema answer from the Worker, or from the built-in schemas without one", async () => {
    const world = await cliWorld();
    const env = envOf(world);
    const fetch = world.api.fetch;
    const listed = await runCli(["contexts", "--json"], { cwd: tempDir(), env, fetch });
    expect(listed.code).toBe(0);
    const names = (JSON.parse(listed.stdout) as { name: string }[]).map((c) => c.name);
    expect(names).toContain("saas_users");
    const offline = await runCli(["contexts"], { cwd: tempDir() });
    expect(offline.stdout).toMatch(/^saas_users +SaaS users \(Identity & Access, \d+-\d+-\d+\)\n/);
    const schema = await runCli(["schema", "saas_users"], { cwd: tempDir(), env, fetch });
    expect(world.api.requests.map((r) => r.path)).toContain("/v1/contexts/saas_users/schema");
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
