// Every malformed input of SPEC §6 on every data route that takes records (validate, one-shot
// submit, sync batch): a precise 4xx problem or a report naming the cell, never a 500.
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { dataWorld, startSync, user, users } from "./data-helpers.ts";
import { call, expectProblem, json } from "./helpers.ts";

interface RecordsRoute {
  name: string;
  method: string;
  /** Path of the route for a fresh world (a sync is opened for batches). */
  path: (base: string, key: string) => Promise<string>;
  /** Status of an answer that carries a failing report (validate answers 200 with valid: false). */
  reportStatus: number;
}

const ROUTES: RecordsRoute[] = [
  { name: "POST .../validate", method: "POST", path: async (b) => `${b}/validate`, reportStatus: 200 },
  { name: "POST .../records", method: "POST", path: async (b) => `${b}/records`, reportStatus: 422 },
  {
    name: "PUT .../syncs/{syncId}/batches/{seq}",
    method: "PUT",
    path: async (b, key) => `${b}/syncs/${await startSync(b, key)}/batches/1`,
    reportStatus: 422,
  },
];

interface Issue {
  row: number;
  line?: number;
  field: string;
  keyword: string;
  message: string;
}
interface Report {
  valid: boolean;
  recordCount: number;
  errorCount: number;
  errors: Issue[];
}

const ACCEPTED = "application/json, application/x-ndjson or text/csv";

describe.each(ROUTES.map((r) => [r.name, r] as const))("%s", (_name, route) => {
  async function send(raw: BodyInit | undefined, contentType?: string): Promise<Response> {
    const world = await dataWorld();
    const headers: Record<string, string> = {};
    if (contentType) headers["content-type"] = contentType;
    return call(route.method, await route.path(world.base(), world.ingest), {
      key: world.ingest,
      raw,
      headers,
    });
  }

  /** The failing report of an answer: validate's 200 body, or the 422 problem's report. */
  async function failingReport(response: Response): Promise<Report> {
    if (route.reportStatus === 200) {
      expect(response.status).toBe(200);
      const report = await json<Report>(response);
      expect(report.valid).toBe(false);
      return report;
    }
    const problem = await expectProblem(response, 422, "invalid-records");
    const report = problem.report as Report;
    expect(report.valid).toBe(false);
    return report;
  }

  const csv = (text: string) => send(text, "text/csv");

  describe("accepted body shapes", () => {
    const ok = route.reportStatus === 200 ? 200 : route.method === "PUT" ? 200 : 201;
    it.each([
      ['{"data": [...]}', "application/json", JSON.stringify({ data: [user(1), user(2)] })],
      ["a bare array", "application/json", JSON.stringify([user(1), user(2)])],
      ["JSON with a charset", "application/json; charset=utf-8", JSON.stringify([user(1), user(2)])],
      ["NDJSON", "application/x-ndjson", `${JSON.stringify(user(1))}\n\n${JSON.stringify(user(2))}\n`],
      [
        "CSV",
        "text/csv",
        "emailId,firstName,role\r\nuser1@example.com,U1,USER\r\nuser2@example.com,U2,USER\r\n",
      ],
      [
        "CSV with a UTF-8 BOM",
        "text/csv",
        "\uFEFFemailId,firstName\nuser1@example.com,U1\nuser2@example.com,U2\n",
      ],
    ])("accepts %s", async (_label, type, raw) => {
      const response = await send(raw, type);
      expect(response.status).toBe(ok);
      const body = await json(response);
      if (route.reportStatus === 200)
        expect(body).toMatchObject({ valid: true, recordCount: 2, errorCount: 0 });
      else expect(body.recordCount).toBe(2);
    });
  });

  it("refuses invalid JSON, saying why", async () => {
    const problem = await expectProblem(await send('{"data": [', "application/json"), 400, "bad-request");
    expect(problem.detail).toMatch(/^The request body is not valid JSON: /);
  });

  it("refuses a wrong content type with 415", async () => {
    const problem = await expectProblem(
      await send("emailId=a@b.co", "application/x-www-form-urlencoded"),
      415,
      "unsupported-media-type",
    );
    expect(problem.detail).toBe(`Content-Type must be ${ACCEPTED}; got "application/x-www-form-urlencoded"`);
  });

  it("refuses JSON sent as text/plain", async () => {
    const problem = await expectProblem(await send(JSON.stringify([user(1)])), 415, "unsupported-media-type");
    expect(problem.detail).toBe(`Content-Type must be ${ACCEPTED}; got "text/plain"`);
  });

  it.each([[""], ["   \n "]])("refuses the empty body %j", async (raw) => {
    const problem = await expectProblem(await send(raw, "application/json"), 400, "bad-request");
    expect(problem.detail).toBe("The request body is empty; send records");
  });

  it.each([["[]"], ['{"data": []}']])("refuses %s: no records", async (raw) => {
    const problem = await expectProblem(await send(raw, "application/json"), 400, "bad-request");
    expect(problem.detail).toBe("The body holds no records; send at least one");
  });

  it("refuses a CSV with only a header", async () => {
    const problem = await expectProblem(await csv("emailId,firstName\n"), 400, "bad-request");
    expect(problem.detail).toBe("The CSV has a header but no records");
  });

  it.each([['{"records": []}'], ['{"data": [], "extra": 1}'], ['"text"'], ["42"], ["null"]])(
    "refuses the JSON body %s that is neither {data:[...]} nor an array",
    async (raw) => {
      const problem = await expectProblem(await send(raw, "application/json"), 400, "bad-request");
      expect(problem.detail).toMatch(/^The body must be \{"data":\[\.\.\.(records)?\]\}/);
    },
  );

  it("refuses a body over the size limit with 413", async () => {
    const big = JSON.stringify([{ emailId: "a@b.co", firstName: "x".repeat(10 * 1024 * 1024) }]);
    const problem = await expectProblem(await send(big, "application/json"), 413, "payload-too-large");
    expect(problem.detail).toBe("The request body is larger than 10485760 bytes");
  });

  it.each([
    ["application/json", () => JSON.stringify(Array.from({ length: 5001 }, () => ({})))],
    ["application/x-ndjson", () => "{}\n".repeat(5001)],
    ["text/csv", () => `emailId\n${"a@b.co\n".repeat(5001)}`],
  ])("refuses 5,001 records (%s) with 413", async (type, make) => {
    const problem = await expectProblem(await send(make(), type), 413, "too-many-records");
    expect(problem.detail).toBe(
      "The body holds 5001 records; at most 5000 are accepted per request. Use a sync with batches",
    );
  });

  it("takes exactly 5,000 records", async () => {
    const response = await send(JSON.stringify(users(1, 5000)), "application/json");
    expect(response.status).toBe(route.reportStatus === 200 ? 200 : route.method === "PUT" ? 200 : 201);
  });

  it("refuses records nested deeper than 8 levels, and allows 8", async () => {
    const nested = (levels: number) =>
      `[{"emailId":"a@b.co","x":${"[".repeat(levels)}1${"]".repeat(levels)}}]`;
    const problem = await expectProblem(await send(nested(8), "application/json"), 400, "bad-request");
    expect(problem.detail).toBe("Record 1 (record 1) is nested deeper than 8 levels");
    // 7 arrays below a record field is depth 8: it reaches validation (x is not a field).
    const report = await failingReport(await send(nested(7), "application/json"));
    expect(report.errors[0]).toMatchObject({ row: 1, field: "x", keyword: "unknown-field" });
  });

  it("refuses absurdly deep nesting that also holds a suspicious word, without a 500", async () => {
    const deep = `[{"a":${"[".repeat(200_000)}"proto"${"]".repeat(200_000)}}]`;
    const problem = await expectProblem(await send(deep, "application/json"), 400, "bad-request");
    expect(problem.detail).toBe("Record 1 (record 1) is nested deeper than 8 levels");
  });

  it("names the NDJSON line of a nested record", async () => {
    const body = `${JSON.stringify(user(1))}\n\n{"emailId":"a@b.co","x":${"[".repeat(9)}${"]".repeat(9)}}\n`;
    const problem = await expectProblem(await send(body, "application/x-ndjson"), 400, "bad-request");
    expect(problem.detail).toBe("Record 2 (line 3) is nested deeper than 8 levels");
  });

  it("reports non-object records per row", async () => {
    const report = await failingReport(
      await send(`[1, "x", null, [1], ${JSON.stringify(user(5))}]`, "application/json"),
    );
    expect(report.recordCount).toBe(5);
    expect(report.errorCount).toBe(4);
    expect(report.errors.map((e) => [e.row, e.keyword, e.message])).toEqual([
      [1, "type", "each record must be an object with named fields; got number"],
      [2, "type", "each record must be an object with named fields; got string"],
      [3, "type", "each record must be an object with named fields; got null"],
      [4, "type", "each record must be an object with named fields; got a list"],
    ]);
  });

  it.each([
    ['[{"emailId":"a@b.co","__proto__":{"admin":true}}]', "application/json", "__proto__"],
    ['{"data":[{"emailId":"a@b.co","constructor":{"prototype":{}}}]}', "application/json", "constructor"],
    ['[{"emailId":"a@b.co","x":[{"\\u005f_proto__":1}]}]', "application/json", "__proto__"],
  ])("refuses prototype-polluting keys: %s", async (raw, type, key) => {
    const problem = await expectProblem(await send(raw, type), 400, "bad-request");
    expect(problem.detail).toBe(`The key "${key}" is not allowed anywhere in a request body`);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("refuses a prototype-polluting key in NDJSON, naming the line", async () => {
    const body = `${JSON.stringify(user(1))}\n{"emailId":"a@b.co","__proto__":{"admin":true}}\n`;
    const problem = await expectProblem(await send(body, "application/x-ndjson"), 400, "bad-request");
    expect(problem.detail).toBe(
      'NDJSON line 2: The key "__proto__" is not allowed anywhere in a request body',
    );
  });

  it.each([["application/json"], ["text/csv"], ["application/x-ndjson"]])(
    "refuses invalid UTF-8 bytes (%s)",
    async (type) => {
      const bytes = new TextEncoder().encode('[{"emailId":"a@b.co","firstName":"Ren"}]');
      const broken = new Uint8Array([...bytes.slice(0, 35), 0xc3, 0x28, ...bytes.slice(35)]);
      const problem = await expectProblem(await send(broken, type), 400, "bad-request");
      expect(problem.detail).toBe(
        "The request body is not valid UTF-8; save the file as UTF-8 (the extension can convert Windows-1252)",
      );
    },
  );

  it("refuses an NDJSON body with a bad line, naming the line", async () => {
    const body = `${JSON.stringify(user(1))}\n${JSON.stringify(user(2))}\n{"emailId": "x@y.z",\n`;
    const problem = await expectProblem(await send(body, "application/x-ndjson"), 400, "bad-request");
    expect(problem.detail).toMatch(/^NDJSON line 3: The request body is not valid JSON: /);
  });

  it("reports ragged CSV rows with their lines", async () => {
    const report = await failingReport(
      await csv("emailId,firstName\nuser1@example.com,U1\nuser2@example.com\nuser3@example.com,U3,extra\n"),
    );
    expect(report.errors.filter((e) => e.keyword === "ragged-row")).toEqual([
      expect.objectContaining({
        row: 2,
        line: 3,
        message: "Line 3 has 1 values but the header has 2 columns",
      }),
      expect.objectContaining({
        row: 3,
        line: 4,
        message: "Line 4 has 3 values but the header has 2 columns",
      }),
    ]);
  });

  it("reports an unterminated quote", async () => {
    const report = await failingReport(
      await csv('emailId,firstName\nuser1@example.com,"U1\nuser2@example.com,U2\n'),
    );
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        keyword: "csv",
        line: 2,
        message: 'Line 2: a quoted value is never closed (missing ")',
      }),
    );
  });

  it("reports duplicate CSV headers (also through an alias)", async () => {
    const report = await failingReport(await csv("emailId,firstName,emailId\nuser1@example.com,U1,x@y.z\n"));
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        row: 0,
        line: 1,
        field: "emailId",
        keyword: "duplicate-column",
        message: 'Column 3 ("emailId"): column 1 already holds emailId',
      }),
    );
  });

  it("reports unknown CSV columns", async () => {
    const report = await failingReport(await csv("emailId,shoeSize\nuser1@example.com,44\n"));
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        row: 0,
        line: 1,
        field: "shoeSize",
        keyword: "unknown-column",
        message: 'Column 2 ("shoeSize"): not a field of saas_users nor one of its aliases',
      }),
    );
  });

  it.each([
    ["JSON", "application/json", JSON.stringify([user(1), user(2, { department: "d".repeat(10_001) })])],
    [
      "CSV",
      "text/csv",
      `emailId,department\nuser1@example.com,ok\nuser2@example.com,${"d".repeat(10_001)}\n`,
    ],
  ])("reports a giant field (%s) as an error on its row", async (_label, type, raw) => {
    const report = await failingReport(await send(raw, type));
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        row: 2,
        field: "department",
        keyword: "maxLength",
        message: "department is longer than 10000 characters",
      }),
    );
    expect(report.errors.every((e) => e.row === 2)).toBe(true);
  });

  it("takes a field of exactly 10,000 characters", async () => {
    const response = await send(
      JSON.stringify([user(1, { department: "d".repeat(10_000) })]),
      "application/json",
    );
    expect(response.status).toBe(route.reportStatus === 200 ? 200 : route.method === "PUT" ? 200 : 201);
  });

  it("takes formula-looking values as plain text", async () => {
    const response = await csv('emailId,firstName,lastName\nuser1@example.com,=SUM(A1),"+1-2"\n');
    expect(response.status).toBe(route.reportStatus === 200 ? 200 : route.method === "PUT" ? 200 : 201);
  });
});

describe("formula-looking values", () => {
  it("are stored as-is and escaped with a leading ' on CSV export", async () => {
    const { base, ingest } = await dataWorld();
    const submitted = await call("POST", `${base()}/records`, {
      key: ingest,
      raw: 'emailId,firstName,lastName,department\nuser1@example.com,=SUM(A1),"+1-2","@cmd|\' /C calc\'!A0"\nuser2@example.com,-5,plain,\n',
      headers: { "content-type": "text/csv" },
    });
    expect(submitted.status).toBe(201);
    const read = await json<{ data: unknown[] }>(await call("GET", `${base()}/records`, { key: ingest }));
    expect(read.data).toEqual([
      {
        emailId: "user1@example.com",
        firstName: "=SUM(A1)",
        lastName: "+1-2",
        department: "@cmd|' /C calc'!A0",
      },
      { emailId: "user2@example.com", firstName: "-5", lastName: "plain" },
    ]);
    const exported = await call("GET", `${base()}/records?format=csv`, { key: ingest });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const rows = Papa.parse<Record<string, string>>(await exported.text(), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows[0]).toMatchObject({
      emailId: "user1@example.com",
      firstName: "'=SUM(A1)",
      lastName: "'+1-2",
      department: "'@cmd|' /C calc'!A0",
    });
    // A plain signed number cannot run as a formula and stays a number.
    expect(rows[1]).toMatchObject({ firstName: "-5", lastName: "plain", department: "" });
  });
});

/** Commit and sync-create bodies: optional JSON objects. */
describe.each([
  ["POST .../syncs", "create"],
  ["POST .../syncs/{syncId}/commit", "commit"],
] as const)("%s", (_name, which) => {
  async function send(raw: BodyInit | undefined, contentType?: string): Promise<Response> {
    const { base, ingest } = await dataWorld();
    let path = `${base()}/syncs`;
    if (which === "commit") {
      const syncId = await startSync(base(), ingest);
      await call("PUT", `${path}/${syncId}/batches/1`, { key: ingest, body: [user(1)] });
      path = `${path}/${syncId}/commit`;
    }
    const headers: Record<string, string> = {};
    if (contentType) headers["content-type"] = contentType;
    return call("POST", path, { key: ingest, raw, headers });
  }
  const okStatus = which === "create" ? 201 : 200;

  it.each([[undefined], [""], ["{}"]])("accepts no options (%j)", async (raw) => {
    const response = await send(raw, raw === "{}" ? "application/json" : undefined);
    expect(response.status).toBe(okStatus);
  });

  it("refuses invalid JSON", async () => {
    const problem = await expectProblem(await send("{", "application/json"), 400, "bad-request");
    expect(problem.detail).toMatch(/^The request body is not valid JSON: /);
  });

  it("refuses a wrong content type with 415", async () => {
    const problem = await expectProblem(
      await send("expectedRecords=1", "application/x-www-form-urlencoded"),
      415,
      "unsupported-media-type",
    );
    expect(problem.detail).toBe(
      'Content-Type must be application/json (or no body); got "application/x-www-form-urlencoded"',
    );
  });

  it.each([["[]"], ['"x"'], ["7"], ["null"]])("refuses the non-object body %s", async (raw) => {
    const problem = await expectProblem(await send(raw, "application/json"), 400, "bad-request");
    expect(problem.detail).toBe("The body must be a JSON object");
  });

  it("refuses a body over the size limit with 413", async () => {
    const big = JSON.stringify({ pad: "x".repeat(10 * 1024 * 1024 + 1) });
    await expectProblem(await send(big, "application/json"), 413, "payload-too-large");
  });

  it("refuses deep nesting without a 500", async () => {
    const deep = `{"constructorish":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    const problem = await expectProblem(await send(deep, "application/json"), 400, "bad-request");
    expect(problem.detail).toMatch(/^Unknown field\(s\) constructorish; /);
  });

  it.each([['{"__proto__": {"admin": true}}'], ['{"x": [{"constructor": 1}]}']])(
    "refuses prototype-polluting keys in %s",
    async (raw) => {
      const problem = await expectProblem(await send(raw, "application/json"), 400, "bad-request");
      expect(problem.detail).toMatch(
        /^The key "(__proto__|constructor)" is not allowed anywhere in a request body$/,
      );
    },
  );

  it("refuses invalid UTF-8", async () => {
    const problem = await expectProblem(
      await send(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), "application/json"),
      400,
      "bad-request",
    );
    expect(problem.detail).toMatch(/^The request body is not valid UTF-8/);
  });

  it("refuses unknown options", async () => {
    const problem = await expectProblem(
      await send('{"mode": "append"}', "application/json"),
      400,
      "bad-request",
    );
    expect(problem.detail).toBe(
      which === "create"
        ? "Unknown field(s) mode; a sync takes only schemaId and sourceName"
        : "Unknown field(s) mode; commit takes only expectedRecords and confirmReplacement",
    );
  });

  if (which === "commit") {
    it.each([['{"expectedRecords": "1"}'], ['{"expectedRecords": -1}'], ['{"expectedRecords": 1.5}']])(
      "refuses a bad expectedRecords %s",
      async (raw) => {
        const problem = await expectProblem(await send(raw, "application/json"), 400, "bad-request");
        expect(problem.detail).toBe("expectedRecords must be a whole number of 0 or more");
      },
    );
  }
});
