// The CLI's small parts: exit codes of errors, progress on a terminal and in a log, the push state
// file and the resumable client's decisions, the key kept out of what is printed.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { redact } from "../../cli/config.ts";
import { CliExit, EXIT, exitCodeOf, UsageError } from "../../cli/exit-codes.ts";
import { createProgress, duration, progressLine } from "../../cli/progress.ts";
import { mappingSha256, type PushState, PushStateStore, sameSource } from "../../cli/push-state.ts";
import { isTransient, PushSession, resumableClient } from "../../cli/resumable-client.ts";
import { ApiError, createApiClient, NetworkError } from "../../extension/api-client.ts";
import { UploadError } from "../../extension/pipeline/upload.ts";
import { tempDir } from "./helpers.ts";

const problem = (status: number, type = "about:blank") => new ApiError({ type, title: "T", status });

describe("exit codes", () => {
  it("map every kind of failure to the code a scheduler acts on", () => {
    const cases: [unknown, number][] = [
      [new UsageError("x"), EXIT.USAGE],
      [new CliExit(EXIT.NEEDS_YES, "x"), 5],
      [problem(401), 3],
      [problem(403), 3],
      [problem(404), 3],
      [problem(422), 1],
      [problem(409, "https://intake.dev/problems/replacement-unconfirmed"), 5],
      [problem(409, "sync-closed"), 4],
      [problem(413), 4],
      [problem(503), 4],
      [new NetworkError("down"), 4],
      [new UploadError(problem(422), true), 1],
      [new UploadError(new NetworkError("down"), false), 4],
      [new Error("anything else"), 4],
    ];
    for (const [error, code] of cases)
      expect([String(error), exitCodeOf(error)]).toEqual([String(error), code]);
  });

  it("only network failures, 429 and 5xx are worth resuming", () => {
    expect([new NetworkError("x"), problem(429), problem(502)].map(isTransient)).toEqual([true, true, true]);
    expect([problem(401), problem(409), problem(422), new Error("x")].map(isTransient)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it("keeps a key out of printed text", () => {
    const key = "intk_key_abc_0123456789";
    expect(redact(`refused ${key} twice: ${key}`, key)).toBe("refused [key] twice: [key]");
    expect(redact("nothing here", undefined)).toBe("nothing here");
  });
});

describe("progress", () => {
  it("writes a line per tenth in a log, and a bar with rate and ETA in place on a terminal", () => {
    let log = "";
    let clock = 0;
    const plain = createProgress(
      {
        write: (s: string) => {
          log += s;
          return true;
        },
      },
      { now: () => clock },
    );
    for (let done = 0; done <= 100; done += 5) {
      clock += 100;
      plain.update({ phase: "uploading", done, total: 100, unit: "records" });
    }
    expect(log.trimEnd().split("\n")).toHaveLength(11);
    expect(log.split("\n")[0]).toBe("uploading 0% 0/100 records");
    expect(log.split("\n")[5]).toBe("uploading 50% 50/100 records · 50/s · ETA 1 s");
    let screen = "";
    const bar = createProgress(
      {
        write: (s: string) => {
          screen += s;
          return true;
        },
        isTTY: true,
        columns: 120,
      },
      { now: () => clock },
    );
    bar.update({ phase: "validating", done: 2500, total: 10_000, unit: "rows", rate: 1000 });
    expect(screen).toBe(
      "\r\x1b[2Kvalidating [######------------------] 25% 2,500/10,000 rows · 1,000/s · ETA 8 s",
    );
    bar.note("Resuming sync s");
    expect(screen.endsWith("\r\x1b[2KResuming sync s\n")).toBe(true);
    const quiet = createProgress(
      { write: () => expect.unreachable("quiet writes nothing") },
      { quiet: true },
    );
    quiet.update({ phase: "reading", done: 1, total: 2, unit: "bytes" });
  });

  it("words durations and sizes", () => {
    expect([duration(4.4), duration(125)]).toEqual(["4 s", "2 min 05 s"]);
    expect(
      progressLine(
        { phase: "reading", done: 1.5 * 1024 * 1024, total: 3 * 1024 * 1024, unit: "bytes" },
        undefined,
        false,
      ),
    ).toBe("reading 50% 1.5 MB/3.0 MB");
  });
});

describe("push state and the resumable client", () => {
  const target = { url: "http://w", integrationId: "int_1", context: "saas_users", file: "/data/users.csv" };
  const source = {
    fileSha256: "f",
    mappingSha256: "m",
    schemaId: "urn:intake:saas_users:1-0-0",
    batchRows: null,
  };

  it("keeps one state file per target, written whole, and matches it to the same source only", () => {
    const dir = tempDir();
    const store = new PushStateStore(dir, target);
    expect(store.path).toMatch(/push-[0-9a-f]{16}\.json$/);
    expect(new PushStateStore(dir, { ...target, context: "list_employees" }).path).not.toBe(store.path);
    expect(store.load()).toBeUndefined();
    const session = new PushSession({ store, target, source, totalRecords: 10 });
    session.begin({
      syncId: "syn_1",
      expiresAt: "2030-01-01T00:00:00Z",
      limits: { maxRecordsPerBatch: 5, maxBodyBytes: 1000, maxFieldLength: 10, maxNestingDepth: 8 },
    });
    session.acknowledge(1, 5);
    session.committing({ expectedRecords: 10 });
    const saved = JSON.parse(readFileSync(store.path, "utf8")) as PushState;
    expect(saved).toMatchObject({
      ...target,
      ...source,
      syncId: "syn_1",
      batches: { "1": 5 },
      commit: { expectedRecords: 10 },
    });
    expect(store.load()).toEqual(saved);
    expect(sameSource(saved, source)).toBe(true);
    expect(sameSource(saved, { ...source, fileSha256: "g" })).toBe(false);
    expect(sameSource(saved, { ...source, batchRows: 100 })).toBe(false);
    store.clear();
    expect(store.load()).toBeUndefined();
  });

  it("hashes what a mapping does, not its header text", () => {
    const a = {
      columns: ["emailId", null],
      constants: { b: "1", a: "2" },
      valueMaps: {},
      headers: ["Email", "X"],
    };
    const b = {
      columns: ["emailId", null],
      constants: { a: "2", b: "1" },
      valueMaps: {},
      headers: ["E-mail", "Y"],
    };
    expect(mappingSha256(a)).toBe(mappingSha256(b));
    expect(mappingSha256({ ...a, columns: [null, "emailId"] })).not.toBe(mappingSha256(a));
    // A split column changes what the rows become; no splits hashes as before splits existed.
    const split = { column: 1, first: "firstName", last: "lastName" };
    expect(mappingSha256({ ...a, splits: [split] })).not.toBe(mappingSha256(a));
    expect(mappingSha256({ ...a, splits: [] })).toBe(mappingSha256(a));
    expect(mappingSha256(a)).toBe(
      createHash("sha256")
        .update(
          JSON.stringify([
            a.columns,
            [
              ["a", "2"],
              ["b", "1"],
            ],
            [],
          ]),
        )
        .digest("hex"),
    );
  });

  it("reuses the open sync, skips acknowledged batches, and aborts only what will not be resumed", async () => {
    const calls: string[] = [];
    const client = createApiClient({
      baseUrl: "http://w",
      apiKey: "k",
      fetch: async (input, init) => {
        calls.push(
          `${init?.method} ${String(input).replace("http://w/v1/integrations/int_1/contexts/saas_users", "")}`,
        );
        return init?.method === "DELETE"
          ? new Response(null, { status: 204 })
          : Response.json({ seq: 2, recordCount: 5 });
      },
    });
    const dir = tempDir();
    const store = new PushStateStore(dir, target);
    const resume: PushState = {
      format: 1,
      ...target,
      ...source,
      syncId: "syn_1",
      expiresAt: "2030-01-01T00:00:00Z",
      limits: { maxRecordsPerBatch: 5, maxBodyBytes: 1000, maxFieldLength: 10, maxNestingDepth: 8 },
      totalRecords: 10,
      batches: { "1": 5 },
      startedAt: "",
      updatedAt: "",
    };
    const interrupt = new AbortController();
    const session = new PushSession({
      store,
      target,
      source,
      totalRecords: 10,
      resume,
      signal: interrupt.signal,
    });
    const wrapped = resumableClient(client, session);
    expect(await wrapped.startSync("int_1", "saas_users")).toMatchObject({
      syncId: "syn_1",
      limits: resume.limits,
    });
    expect(
      await wrapped.putBatchBody("int_1", "saas_users", "syn_1", 1, { body: "{}" }, { firstRow: 1 }),
    ).toMatchObject({
      seq: 1,
      recordCount: 5,
      replayed: true,
    });
    await wrapped.putBatchBody("int_1", "saas_users", "syn_1", 2, { body: "{}" }, { firstRow: 6 });
    expect([session.skipped, session.sent]).toEqual([1, 1]);
    expect(JSON.parse(readFileSync(join(store.path), "utf8")).batches).toEqual({ "1": 5, "2": 5 });
    session.fail(new NetworkError("down"));
    await wrapped.abortSync("int_1", "saas_users", "syn_1");
    session.failure = undefined;
    interrupt.abort();
    await wrapped.abortSync("int_1", "saas_users", "syn_1");
    expect(calls).toEqual(["PUT /syncs/syn_1/batches/2"]);
    const refused = new PushSession({ store, target, source, totalRecords: 10, resume });
    refused.fail(problem(422));
    await resumableClient(client, refused).abortSync("int_1", "saas_users", "syn_1");
    expect(calls.at(-1)).toBe("DELETE /syncs/syn_1");
    expect(refused.aborted).toBe(true);
  });
});
