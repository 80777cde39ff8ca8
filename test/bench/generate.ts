// Deterministic generated records for the benchmarks (a seeded PRNG, so every run sees the same data).
import type { IntakeRecord } from "../../schemas/types.ts";
import { prng } from "../prng.ts";

const FIRST = ["Jane", "John", "Amara", "Wei", "Lucía", "Olu", "Priya", "Sven", "Fatima", "Kenji"];
const LAST = ["Doe", "Roe", "Okafor", "Zhang", "García", "Adeyemi", "Patel", "Larsen", "Haddad", "Sato"];
const DEPTS = ["Engineering", "Sales", "Finance", "HR", "Legal", "Support", "Marketing"];

/** Names as they appear in an address: lower case, no diacritics. */
const local = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/[^a-zA-Z]/g, "")
    .toLowerCase();

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** saas_users records; `invalidEvery` > 0 makes every n-th record carry one error. */
export function saasUsers(count: number, invalidEvery = 100, seed = 1): IntakeRecord[] {
  const rand = prng(seed);
  const out: IntakeRecord[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    const record: IntakeRecord = {
      emailId: `${local(first)}.${local(last)}.${i}@example.com`,
      firstName: first,
      lastName: last,
      role: pick(rand, ["SUPER ADMIN", "ADMIN", "USER", "USER", "USER"]),
      createdOn: `${pad(1 + Math.floor(rand() * 28))}${pad(1 + Math.floor(rand() * 12))}${2015 + Math.floor(rand() * 10)}`,
      userStatus: pick(rand, ["ACTIVE", "ACTIVE", "DISABLED", "DELETED"]),
      accountType: rand() < 0.9 ? "USER" : "SERVICE",
      department: pick(rand, DEPTS),
      mfaEnrolmentStatus: rand() < 0.8,
      accountPaymentStatus: pick(rand, ["PAID", "UNPAID", "NA"]),
    };
    if (invalidEvery > 0 && i % invalidEvery === invalidEvery - 1) record.createdOn = "31022023";
    out.push(record);
  }
  return out;
}

/** list_employees records; `invalidEvery` > 0 makes every n-th record carry one error. */
export function listEmployees(count: number, invalidEvery = 100, seed = 2): IntakeRecord[] {
  const rand = prng(seed);
  const out: IntakeRecord[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    const hired = `${2010 + Math.floor(rand() * 14)}-${pad(1 + Math.floor(rand() * 12))}-${pad(1 + Math.floor(rand() * 28))}T09:00:00Z`;
    const record: IntakeRecord = {
      id: `E-${100000 + i}`,
      employee_name: `${first} ${last}`,
      first_name: first,
      last_name: last,
      email: `${local(first)}.${local(last)}.${i}@example.com`,
      job_title: pick(rand, ["Engineer", "Manager", "Analyst", "Director", "Associate"]),
      manager: `manager.${Math.floor(rand() * 500)}@example.com`,
      hiring_date: hired,
      employment_type: pick(rand, ["Full-Time", "Part-Time", "Contractor"]),
      employment_status: pick(rand, ["Active", "Active", "Terminated"]),
      employment_status_normalized: "ACTIVE",
      department: pick(rand, DEPTS),
      lifecycle_status: "employed",
    };
    if (invalidEvery > 0 && i % invalidEvery === invalidEvery - 1) record.email = "not-an-email";
    out.push(record);
  }
  return out;
}

/** A saas_users CSV header whose columns all auto-map (aliases of the schema). */
export const SAAS_USERS_CSV_HEADER =
  "Email,First Name,Last Name,Role,Created On,User Status,Account Type,Department,MFA Enabled,Payment Status";

/**
 * Lines (without the header) of a saas_users CSV of about `targetBytes`, unique emails; with
 * `invalidEvery` > 0 every n-th record has an impossible createdOn.
 */
export function saasUsersCsvLines(
  targetBytes: number,
  invalidEvery = 0,
): { lines: string[]; bytes: number; invalid: number } {
  const lines: string[] = [];
  let bytes = SAAS_USERS_CSV_HEADER.length + 1;
  let invalid = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    for (const r of saasUsers(10_000, invalidEvery, 100 + i)) {
      if (bytes >= targetBytes) break;
      const line = [
        String(r.emailId).replace("@", `.${i}@`),
        r.firstName,
        r.lastName,
        r.role,
        r.createdOn,
        r.userStatus,
        r.accountType,
        r.department,
        r.mfaEnrolmentStatus ? "TRUE" : "FALSE",
        r.accountPaymentStatus,
      ].join(",");
      if (r.createdOn === "31022023") invalid++;
      lines.push(line);
      bytes += Buffer.byteLength(line) + 1;
    }
  }
  return { lines, bytes, invalid };
}
