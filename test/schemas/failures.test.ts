// Every context: its example validates, and each kind of failure yields the exact row, pointer
// and message an admin will read.
import { describe, expect, it } from "vitest";
import {
  CONTEXT_NAMES,
  getSchema,
  type IntakeRecord,
  type Issue,
  validateDataset,
} from "../../schemas/index.ts";

interface FailureCase {
  field: string;
  value?: unknown;
  keyword: string;
  message: string;
}

interface ContextCases {
  /** A second valid record: the example with its key changed. */
  second: Partial<IntakeRecord>;
  required: FailureCase;
  type: FailureCase;
  enum?: FailureCase;
  format?: FailureCase;
  duplicate: string;
}

const CASES: Record<string, ContextCases> = {
  saas_users: {
    second: { emailId: "john.roe@example.com" },
    required: {
      field: "emailId",
      keyword: "required",
      message: "emailId is required but missing, e.g. jane.doe@example.com",
    },
    type: {
      field: "mfaEnrolmentStatus",
      value: "yes",
      keyword: "type",
      message: 'mfaEnrolmentStatus must be true or false, e.g. true; got "yes"',
    },
    enum: {
      field: "role",
      value: "Owner",
      keyword: "enum",
      message: 'role must be one of SUPER ADMIN, ADMIN, USER; got "Owner"',
    },
    format: {
      field: "createdOn",
      value: "29022023",
      keyword: "format",
      message: 'createdOn must be a real date in DDMMYYYY form, e.g. 01012024; got "29022023"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same emailId "jane.doe@example.com"; each record must be unique',
  },
  list_employees: {
    second: { id: "E-20000" },
    required: { field: "id", keyword: "required", message: "id is required but missing, e.g. E-10234" },
    type: {
      field: "department",
      value: 42,
      keyword: "type",
      message: "department must be text, e.g. Engineering; got 42",
    },
    format: {
      field: "email",
      value: "jane.doe(at)example.com",
      keyword: "format",
      message: 'email must be an email address, e.g. jane.doe@example.com; got "jane.doe(at)example.com"',
    },
    duplicate: 'Duplicate record: rows 1 and 2 have the same id "E-10234"; each record must be unique',
  },
  list_users: {
    second: { identifier: "arn:aws:iam::123456789012:user/john.roe" },
    required: {
      field: "username",
      keyword: "required",
      message: "username is required but missing, e.g. jane.doe",
    },
    type: {
      field: "is_admin",
      value: "sometimes",
      keyword: "type",
      message: 'is_admin must be true or false, e.g. true; got "sometimes"',
    },
    format: {
      field: "email",
      value: "not-an-email",
      keyword: "format",
      message: 'email must be an email address, e.g. jane.doe@example.com; got "not-an-email"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same account_project_id "123456789012", identifier "arn:aws:iam::123456789012:user/jane.doe"; each record must be unique',
  },
  access_relations: {
    second: { entitySourceId: "00u-second" },
    required: {
      field: "accessSourceId",
      keyword: "required",
      message: "accessSourceId is required but missing, e.g. 00g9z8y7x6W5v4U3t2s1",
    },
    type: {
      field: "mfaEnabled",
      value: "maybe",
      keyword: "type",
      message: 'mfaEnabled must be true or false, e.g. true; got "maybe"',
    },
    enum: {
      field: "entityType",
      value: "user",
      keyword: "enum",
      message: 'entityType must be one of identity, connection, resource; got "user"',
    },
    format: {
      field: "lastLoginTime",
      value: "yesterday",
      keyword: "format",
      message:
        'lastLoginTime must be an ISO 8601 timestamp or one like 2023-12-14 04:42:12 +0000 UTC, e.g. 2024-03-28T09:15:00Z; got "yesterday"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same entitySourceId "00u1a2b3c4D5e6F7g8h9", accessSourceId "00g9z8y7x6W5v4U3t2s1", permissionName "member"; each record must be unique',
  },
  access_pairs: {
    second: { identityId: "john.roe@example.com" },
    required: {
      field: "entitlementName",
      keyword: "required",
      message: "entitlementName is required but missing, e.g. Salesforce System Administrator",
    },
    type: {
      field: "identityName",
      value: true,
      keyword: "type",
      message: "identityName must be text, e.g. Jane Doe; got true",
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same identityId "jane.doe@example.com", entitlementName "Salesforce System Administrator"; each record must be unique',
  },
  access_entities: {
    second: { entitySourceId: "00u-second" },
    required: {
      field: "entityName",
      keyword: "required",
      message: "entityName is required but missing, e.g. Jane Doe",
    },
    type: {
      field: "mfaEnabled",
      value: 1,
      keyword: "type",
      message: "mfaEnabled must be true or false, e.g. true; got 1",
    },
    enum: {
      field: "entityType",
      value: "Identity",
      keyword: "enum",
      message: 'entityType must be one of identity, connection, resource; got "Identity"',
    },
    format: {
      field: "entityEmail",
      value: "jane",
      keyword: "format",
      message: 'entityEmail must be an email address, e.g. jane.doe@example.com; got "jane"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same entitySourceId "00u1a2b3c4D5e6F7g8h9"; each record must be unique',
  },
  discovered_applications: {
    second: { applicationName: "Zoom" },
    required: {
      field: "applicationName",
      keyword: "required",
      message: "applicationName is required but missing, e.g. Slack",
    },
    type: {
      field: "userCount",
      value: "many",
      keyword: "type",
      message: 'userCount must be a whole number, e.g. 245; got "many"',
    },
    format: {
      field: "domain",
      value: "slack .com",
      keyword: "format",
      message: 'domain must be a domain name, e.g. slack.com; got "slack .com"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same applicationName "Slack"; each record must be unique',
  },
  application_users: {
    second: { userEmail: "john.roe@example.com" },
    required: {
      field: "userEmail",
      keyword: "required",
      message: "userEmail is required but missing, e.g. jane.doe@example.com",
    },
    type: {
      field: "applicationId",
      value: 7,
      keyword: "type",
      message: "applicationId must be text, e.g. 0oa1b2c3d4E5f6G7h8i9; got 7",
    },
    format: {
      field: "lastLogin",
      value: "28/03/2024",
      keyword: "format",
      message:
        'lastLogin must be a date and time in ISO 8601 form, e.g. 2024-03-28T09:15:00Z; got "28/03/2024"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same applicationName "Slack", userEmail "jane.doe@example.com"; each record must be unique',
  },
  vendors: {
    second: { vendorName: "Slack Technologies" },
    required: {
      field: "vendorName",
      keyword: "required",
      message: "vendorName is required but missing, e.g. Zoom Video Communications",
    },
    type: {
      field: "vendorId",
      value: 10042,
      keyword: "type",
      message: "vendorId must be text, e.g. V-10042; got 10042",
    },
    format: {
      field: "country",
      value: "XX",
      keyword: "format",
      message: 'country must be an ISO 3166-1 alpha-2 country code in capitals, e.g. US; got "XX"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same vendorName "Zoom Video Communications"; each record must be unique',
  },
  invoices: {
    second: { invoiceId: "INV-2" },
    required: {
      field: "invoiceDate",
      keyword: "required",
      message: "invoiceDate is required but missing, e.g. 2024-03-31T00:00:00Z",
    },
    type: {
      field: "description",
      value: ["a"],
      keyword: "type",
      message: 'description must be text, e.g. Zoom Business annual licences, 150 seats; got ["a"]',
    },
    format: {
      field: "amount",
      value: "12,345.60",
      keyword: "format",
      message:
        'amount must be a decimal number with a period as decimal separator and no thousands separator, e.g. 12345.60; got "12,345.60"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same vendorName "Zoom Video Communications", invoiceId "INV-2024-0331"; each record must be unique',
  },
  contracts: {
    second: { contractId: "CTR-2" },
    required: {
      field: "vendorName",
      keyword: "required",
      message: "vendorName is required but missing, e.g. Zoom Video Communications",
    },
    type: {
      field: "autoRenew",
      value: "Y",
      keyword: "type",
      message: 'autoRenew must be true or false, e.g. true; got "Y"',
    },
    format: {
      field: "currency",
      value: "USX",
      keyword: "format",
      message: 'currency must be an ISO 4217 currency code in capitals, e.g. USD; got "USX"',
    },
    duplicate:
      'Duplicate record: rows 1 and 2 have the same contractId "CTR-2024-017"; each record must be unique',
  },
};

function example(context: string): IntakeRecord {
  const record = getSchema(context)?.examples[0];
  if (!record) throw new Error(`no example for ${context}`);
  return structuredClone(record);
}

function onlyError(context: string, records: unknown[]): Issue {
  const { report } = validateDataset(context, records);
  expect(report.valid).toBe(false);
  expect(report.errors).toHaveLength(1);
  return report.errors[0] as Issue;
}

it("has failure cases for exactly the built-in contexts", () => {
  expect(Object.keys(CASES).sort()).toEqual([...CONTEXT_NAMES].sort());
});

describe.each(CONTEXT_NAMES)("%s", (context) => {
  const cases = CASES[context] as ContextCases;
  const schema = getSchema(context);
  const second = () => ({ ...example(context), ...cases.second });

  it("accepts its example and a second distinct record", () => {
    const { report } = validateDataset(context, [example(context), second()]);
    expect(report).toMatchObject({ valid: true, recordCount: 2, errorCount: 0, errors: [] });
  });

  it("reports a missing required field at its row and pointer", () => {
    const bad = second();
    delete bad[cases.required.field];
    expect(schema?.required).toContain(cases.required.field);
    expect(onlyError(context, [example(context), bad])).toEqual({
      row: 2,
      pointer: `/${cases.required.field}`,
      field: cases.required.field,
      keyword: "required",
      message: cases.required.message,
    });
  });

  const valueCases = [cases.type, cases.enum, cases.format].filter((c): c is FailureCase => c !== undefined);
  it.each(valueCases.map((c) => [c.keyword, c] as const))(
    "reports a %s failure with its message",
    (_keyword, failure) => {
      const bad: Record<string, unknown> = second();
      bad[failure.field] = failure.value;
      const issue = onlyError(context, [example(context), bad]);
      expect(issue).toMatchObject({
        row: 2,
        pointer: `/${failure.field}`,
        field: failure.field,
        keyword: failure.keyword,
        message: failure.message,
        value: failure.value,
      });
    },
  );

  it("covers enum and format failures whenever the schema has such fields", () => {
    const props = Object.values(schema?.properties ?? {});
    expect(cases.enum !== undefined).toBe(props.some((p) => p.enum));
    expect(cases.format !== undefined).toBe(props.some((p) => p.format));
  });

  it("reports a duplicate key on the second row, naming both rows", () => {
    const issue = onlyError(context, [example(context), example(context)]);
    expect(issue).toMatchObject({
      row: 2,
      relatedRow: 1,
      keyword: "duplicate-key",
      message: cases.duplicate,
    });
  });
});
