// The answers the extension's UI tests replay (test/extension/recorded-answers.ts) are the real
// Worker's: each is asked of the Worker under test for the same tenant, integration, key, file or
// context, and found equal once the ids and times only a live Worker has are set aside.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listCapabilities } from "../../../schemas/index.ts";
import {
  ACME,
  ACME_DETAIL,
  batchAccepted,
  CSV_FILE,
  catalog,
  committed,
  customEntry,
  customSaved,
  customSchema,
  firstDiff,
  LAPTOP,
  LIMITS,
  me,
  NO_INGESTIONS,
  NO_VERSIONS,
  readyStatus,
  SYNC_STARTED,
  VALIDATED_CSV,
  VALIDATED_JSON,
  VALIDATED_OK,
  WORKER,
} from "../../extension/recorded-answers.ts";
import { createKey, createTenant, inDays, json } from "../helpers.ts";

/** Asks the Worker under test at the recorded answers' address. */
async function ask(method: string, path: string, key: string, body?: BodyInit, type = "application/json") {
  const headers: Record<string, string> = { "x-api-key": key };
  if (body !== undefined) headers["content-type"] = type;
  return exports.default.fetch(new Request(`${WORKER}${path}`, { method, headers, body }));
}

/**
 * What a live Worker alone has, set aside: generated ids become the recorded ones (`ids`), times
 * become "<time>"; everything else must match as it is.
 */
function normalized(value: unknown, ids: Record<string, string>): unknown {
  let text = JSON.stringify(value);
  for (const [real, recorded] of Object.entries(ids)) text = text.replaceAll(real, recorded);
  return JSON.parse(text, (key, v) =>
    typeof v === "string" && /At$/.test(key) && /^\d{4}-\d\d-\d\dT/.test(v) ? "<time>" : v,
  );
}

/** Acme as the recorded answers know it: Acme Corp, its Acme CRM integration, the laptop key. */
async function acme() {
  const { tenantId, admin } = await createTenant("Acme Corp");
  const created = await ask(
    "POST",
    "/v1/integrations",
    admin,
    JSON.stringify({
      name: ACME.name,
      displayName: ACME.displayName,
      description: ACME.description,
      logo: ACME.logo,
      contexts: ACME.contexts,
    }),
  );
  const { id } = await json<{ id: string }>(created);
  const laptop = await createKey(admin, { name: "laptop", expiresAt: inDays(365) });
  const ids = { [tenantId]: "ten_1", [id]: ACME.id, [laptop.id]: LAPTOP.id };
  return { admin, laptop: laptop.secret, integrationId: id, ids };
}

describe("the recorded answers are the Worker's", () => {
  it("GET /v1/me, /v1/keys, /v1/capabilities and /v1/contexts", async () => {
    const { admin, laptop, ids } = await acme();
    const times = (v: unknown) => normalized(v, {});
    expect(normalized(await json(await ask("GET", "/v1/me", laptop)), ids)).toEqual(times(me("ingest")));
    expect((await json<{ limits: unknown }>(await ask("GET", "/v1/me", admin))).limits).toEqual(LIMITS);
    const keys = await json<{ data: { name: string }[] }>(await ask("GET", "/v1/keys", admin));
    expect(
      normalized(
        keys.data.find((k) => k.name === "laptop"),
        ids,
      ),
    ).toEqual(times(LAPTOP));
    expect(await json(await ask("GET", "/v1/capabilities", laptop))).toEqual({ data: listCapabilities() });
    for (const q of [undefined, "invoice"]) {
      const real = await json<{ data: { links?: unknown }[]; categories: string[] }>(
        await ask("GET", `/v1/contexts${q ? `?q=${q}` : ""}`, laptop),
      );
      expect({ ...real, data: real.data.map(({ links: _links, ...entry }) => entry) }).toEqual(
        catalog([], q),
      );
    }
  });

  it("Acme's integration, its endpoints, status, history and versions", async () => {
    const { laptop, integrationId, ids } = await acme();
    const times = (v: unknown) => normalized(v, {});
    const path = `/v1/integrations/${integrationId}`;
    expect(normalized(await json(await ask("GET", "/v1/integrations", laptop)), ids)).toEqual(
      times({ data: [ACME] }),
    );
    expect(normalized(await json(await ask("GET", path, laptop)), ids)).toEqual(times(ACME_DETAIL));
    const status = await json<{ computedAt: string }>(await ask("GET", `${path}/status`, laptop));
    expect(normalized({ ...status, computedAt: "x" }, ids)).toEqual({
      ...readyStatus(ACME),
      computedAt: "x",
    });
    expect(await json(await ask("GET", `${path}/ingestions`, laptop))).toEqual(NO_INGESTIONS);
    expect(await json(await ask("GET", `${path}/contexts/saas_users/versions`, laptop))).toEqual(NO_VERSIONS);
  });

  it("the dry runs of the JSON and CSV files the integration page validates", async () => {
    const { laptop, integrationId } = await acme();
    const validate = `/v1/integrations/${integrationId}/contexts/saas_users/validate`;
    const records = { data: [{ emailId: "a@x.co" }, { emailId: "nope", createdOn: "29022023" }] };
    expect(await json(await ask("POST", validate, laptop, JSON.stringify(records)))).toEqual(VALIDATED_JSON);
    expect(await json(await ask("POST", validate, laptop, CSV_FILE, "text/csv; charset=utf-8"))).toEqual(
      VALIDATED_CSV,
    );
    expect(await json(await ask("POST", validate, laptop, '{"data":[{"emailId":"a@x.co"}]}'))).toEqual(
      VALIDATED_OK,
    );
  });

  it("a first sync: started, a batch accepted, its diff and its commit", async () => {
    const { laptop, integrationId, ids } = await acme();
    const syncs = `/v1/integrations/${integrationId}/contexts/saas_users/syncs`;
    const started = await json<{ syncId: string }>(await ask("POST", syncs, laptop, "{}"));
    const sync = { ...ids, [started.syncId]: SYNC_STARTED.syncId };
    expect(normalized(started, sync)).toEqual(normalized(SYNC_STARTED, {}));
    const body = JSON.stringify({ data: [{ emailId: "a@x.co" }, { emailId: "b@x.co" }] });
    const put = new Request(`${WORKER}${syncs}/${started.syncId}/batches/1`, {
      method: "PUT",
      headers: { "x-api-key": laptop, "content-type": "application/json", "intake-first-row": "3" },
      body,
    });
    const sent = {
      method: "PUT",
      path: new URL(put.url).pathname,
      search: "",
      headers: { "intake-first-row": "3" },
      body,
    };
    expect(await json(await exports.default.fetch(put))).toEqual(await batchAccepted(sent));
    const diff = await ask("GET", `${syncs}/${started.syncId}/diff`, laptop);
    expect(await json(diff)).toEqual(firstDiff(2, [{ emailId: "a@x.co" }, { emailId: "b@x.co" }]));
    const commit = await ask("POST", `${syncs}/${started.syncId}/commit`, laptop, '{"expectedRecords":2}');
    expect(normalized(await json(commit), sync)).toEqual(normalized(committed(1, 2), {}));
  });

  it("a custom context created, and its schema served with its $id as ETag", async () => {
    const { admin, ids } = await acme();
    const input = {
      name: "badges",
      title: "Badges",
      category: "Facilities",
      schema: {
        type: "object",
        required: ["badgeId"],
        additionalProperties: false,
        "x-intake-key": ["badgeId"],
        properties: { badgeId: { type: "string" }, floor: { type: "integer" } },
      },
    };
    const saved = await ask("POST", "/v1/contexts", admin, JSON.stringify(input));
    const schema = customSchema(input);
    expect(normalized(await json(saved), ids)).toEqual(
      normalized(
        customSaved("badges", schema, {
          kind: "model",
          from: null,
          to: "1-0-0",
          reasons: ["badges was created"],
        }),
        {},
      ),
    );
    const listed = await json<{ data: { name: string; links?: unknown }[] }>(
      await ask("GET", "/v1/contexts", admin),
    );
    const { links: _links, ...entry } = listed.data.find((c) => c.name === "badges") ?? { name: "" };
    expect(normalized(entry, ids)).toEqual(customEntry("badges", schema));
    const served = await ask("GET", "/v1/contexts/badges/schema", admin);
    expect(served.headers.get("content-type")).toBe("application/schema+json");
    const tenant = Object.keys(ids)[0] as string;
    expect(served.headers.get("etag")).toBe(`"${schema.$id.replace("ten_1", tenant)}"`);
    expect(normalized(await json(served), ids)).toEqual(schema);
  });
});
