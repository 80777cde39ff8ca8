// The allocation-free formats of the quick verdict (schemas/formats.ts) against the
// @cfworker/json-schema functions they stand in for: the same answer on every short string over
// an alphabet of the characters that matter, on odd and valid addresses, and on hostile inputs.
import { format } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { isEmailQuick } from "../../schemas/email-scan.ts";
import { cfworkerEmail, hasMailDomain, isDateTime, isEmail, isEmailSyntax } from "../../schemas/formats.ts";
import { normalizeRecord } from "../../schemas/normalize.ts";
import { getSchemaOrThrow } from "./helpers.ts";

const referenceEmail = cfworkerEmail;
const referenceDateTime = format["date-time"] as (value: string) => boolean;

function* strings(alphabet: readonly string[], maxLength: number): Generator<string> {
  let level = [""];
  yield "";
  for (let n = 1; n <= maxLength; n++) {
    const next: string[] = [];
    for (const prefix of level) for (const c of alphabet) next.push(prefix + c);
    yield* next;
    level = next;
  }
}

const ODD_EMAILS = [
  "jane.doe@example.com",
  "Jane.Doe@Example.COM",
  "a@b",
  "a@b.",
  "a@.b",
  "a@b..c",
  "a@-b.c",
  "a@b-.c",
  "a@b-c.d",
  ".a@b.c",
  "a.@b.c",
  "a..b@c.d",
  '"a b"@c.d',
  '"a\\"b"@c.d',
  '"a\\\u0001"@c.d',
  '"a"b"@c.d',
  '""@c.d',
  '"a@b"@c.d',
  "a@b@c.d",
  "a@[127.0.0.1]",
  "a@[IPv6:::1]",
  "a@[300.0.0.1]",
  "a@[x",
  "a@b\n",
  "a@b\r.c",
  "a@b\u2028",
  "a\n@b.c",
  "ä@b.c",
  "a@bä.c",
  "a@\u212a.com",
  "a@\u017f.com",
  "\u212a@b.c",
  `${"a".repeat(64)}@b.c`,
  `${"a".repeat(65)}@b.c`,
  `"${"a".repeat(62)}"@b.c`,
  `"${"a".repeat(63)}"@b.c`,
  `a@${"b".repeat(63)}.c`,
  `a@${"b".repeat(64)}.c`,
  `a@${"b.".repeat(126)}c`,
  `a@${"b.".repeat(127)}c`,
  "a!#$%&'*+/=?^_`{|}~-@b.c",
  "a(b)@c.d",
  "a b@c.d",
  "@b.c",
  "a@",
  "",
  "a",
];

describe("isEmailSyntax", () => {
  it("equals @cfworker's email on every string of up to 6 characters over its tricky alphabet", () => {
    let compared = 0;
    for (const s of strings(["a", "@", ".", '"', "\\", "-", "[", "]"], 6)) {
      expect(isEmailSyntax(s), JSON.stringify(s)).toBe(referenceEmail(s));
      compared++;
    }
    expect(compared).toBe(299_593);
  });

  it.each(ODD_EMAILS)("equals @cfworker's email on %j", (value) => {
    expect(isEmailSyntax(value)).toBe(referenceEmail(value));
  });

  it("accepts what it must and refuses what it must (not only agreeing)", () => {
    expect(isEmailSyntax("jane.doe@example.com")).toBe(true);
    expect(isEmail("a..b@c.d")).toBe(false);
    expect(isEmail(`a@${"b".repeat(64)}.c`)).toBe(false);
  });

  it.each([10_000, 20_000])("equals @cfworker's email on hostile %i-character inputs", (n) => {
    for (const value of [
      "a@".repeat(n / 2),
      `${"a".repeat(n)}@b.c`,
      `a@${"b-".repeat(n / 2)}c`,
      `a@${"b.".repeat(n / 2)}`,
      `"${"\\a".repeat(n / 2)}"@b.c`,
      `"${"a".repeat(n)}`,
      `a@${"[".repeat(n)}`,
    ]) {
      expect(isEmailSyntax(value)).toBe(referenceEmail(value));
    }
  });
});

describe("isDateTime", () => {
  it("equals @cfworker's date-time on dates and times around every limit", () => {
    let compared = 0;
    for (const date of [
      "2024-02-29",
      "2023-02-29",
      "2100-02-29",
      "2000-02-29",
      "2024-04-31",
      "2024-12-31",
      "2024-13-01",
      "2024-00-10",
      "2024-01-00",
      "20x4-01-01",
    ]) {
      for (const sep of ["T", "t", " ", "x"]) {
        for (const time of [
          "00:00:00",
          "23:59:59",
          "23:59:60",
          "12:59:60",
          "24:00:00",
          "12:60:00",
          "12:00:61",
          "1a:00:00",
        ]) {
          for (const zone of ["Z", "z", "", "+00:00", "-01:30", "x"]) {
            const value = `${date}${sep}${time}${zone}`;
            expect(isDateTime(value), value).toBe(referenceDateTime(value));
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(10 * 4 * 8 * 6);
    expect(isDateTime("2024-02-29T09:00:00Z")).toBe(true);
    expect(isDateTime("2023-02-29T09:00:00Z")).toBe(false);
  });

  it("equals @cfworker's date-time on every 20-character mutation of one value", () => {
    const base = "2024-06-15T09:30:45Z";
    for (let i = 0; i < base.length; i++) {
      for (const c of ["0", "1", "2", "3", "5", "9", "-", ":", "T", "Z", "a", " "]) {
        const value = base.slice(0, i) + c + base.slice(i + 1);
        expect(isDateTime(value), value).toBe(referenceDateTime(value));
      }
    }
  });
});

describe("normalizeRecord without a copy", () => {
  const users = getSchemaOrThrow("saas_users");

  it("gives back the input itself when nothing changes, and a copy when something does", () => {
    const clean = { emailId: "a@b.co", mfaEnrolmentStatus: true, role: "ADMIN" };
    expect(normalizeRecord(clean, users)).toBe(clean);
    const spaced = { emailId: "a@b.co", role: " ADMIN ", department: "x" };
    const out = normalizeRecord(spaced, users);
    expect(out).not.toBe(spaced);
    expect(out).toEqual({ emailId: "a@b.co", role: "ADMIN", department: "x" });
    expect(Object.keys(out)).toEqual(["emailId", "role", "department"]);
    expect(spaced.role).toBe(" ADMIN ");
  });

  it("copies when a field is undefined or null, or the object is not plain", () => {
    const withUndefined = { emailId: "a@b.co", role: undefined };
    expect(Object.keys(normalizeRecord(withUndefined, users))).toEqual(["emailId"]);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { emailId: "a@b.co" });
    const out = normalizeRecord(bare, users);
    expect(out).not.toBe(bare);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it("copies to add a missing default", () => {
    const relations = getSchemaOrThrow("access_relations");
    const raw = { entitySourceId: "e" };
    const out = normalizeRecord(raw, relations);
    expect(out).not.toBe(raw);
    expect(Object.keys(raw)).toEqual(["entitySourceId"]);
  });
});

describe("the email format: valid syntax and a domain that can receive mail", () => {
  it.each([
    ["frank@example", false],
    ["x@y", false],
    ["ann@example.c", false],
    ["ann@example.123", false],
    ["ann@.com", false],
    ["ann@example.com.", false],
    ["ann@example.com", true],
    ["ann.lee+ops@mail.example.co.uk", true],
    ["ann@xn--bcher-kva.xn--p1ai", true],
    ["ann@[192.0.2.1]", true],
  ])("%s → %s, the same in the quick verdict and the validator's format table", (value, ok) => {
    expect(isEmail(value)).toBe(ok);
    expect(isEmailQuick(value)).toBe(ok);
    expect((format.email as (v: string) => boolean)(value)).toBe(ok);
    expect(hasMailDomain(value) && isEmailSyntax(value)).toBe(ok);
  });
});
