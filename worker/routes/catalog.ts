// The catalog: contexts, schemas (and their retained revisions) and templates. Public and
// cacheable for the built-ins; with an API key it also shows the tenant's custom contexts, which
// admin keys create, update (SchemaVer) and delete here. Another tenant's context is a 404.
import { type Context, Hono } from "hono";
import { etag } from "hono/etag";
import type {
  CatalogEntry,
  CatalogList,
  ContextDetail,
  ContextLinks,
  CustomContext,
  CustomContextSaved,
  SchemaChange,
} from "../../schemas/api-types.ts";
import {
  bumpSchemaVer,
  CONTEXT_NAMES,
  type ContextSchema,
  CUSTOM_CONTEXT_LIMITS,
  capabilitiesOf,
  checkCustomContext,
  compareSchemas,
  compareSchemaVer,
  contextMatches,
  csvTemplate,
  customScopedName,
  formatSchemaVer,
  jsonTemplate,
  listCapabilities,
  listCategories,
  parseSchemaVer,
  schemaIdOf,
  schemaVersion,
} from "../../schemas/index.ts";
import { builtinRevision, builtinRevisions } from "../../schemas/releases/index.ts";
import type { AppEnv, ResolvedContext } from "../app-env.ts";
import { committingInContext } from "../db/commit-steps.ts";
import {
  deleteCustomContext,
  firstModelOf,
  getRevision,
  insertCustomContext,
  integrationsUsing,
  listRevisions,
  updateCustomContext,
} from "../db/custom-contexts.ts";
import { COMMIT_RETRY_SECONDS } from "../domain/commit-steps.ts";
import {
  contextFor,
  customContextsOf,
  forgetContext,
  parseStoredSchema,
  summaryOf,
} from "../domain/contexts.ts";
import { decodeUtf8 } from "../domain/records-body.ts";
import { isJsonType, mediaType, parseJsonSafely, unsupportedMediaType } from "../http/body.ts";
import { limitsOf } from "../http/limits.ts";
import { badRequest, conflict, forbidden, invalidBody, notFound, Problem } from "../http/problem.ts";
import { baseUrl } from "../http/urls.ts";
import { optionalKey, requireKey } from "../middleware/auth.ts";
import { rateLimit } from "../middleware/rate-limit.ts";

const PUBLIC_CACHE = "public, max-age=300";
/** A revision never changes: cacheable for a day. */
const REVISION_CACHE = "public, max-age=86400, immutable";
/** A tenant's own content: the browser may keep it, but asks again (If-None-Match) each time. */
const PRIVATE_CACHE = "private, no-cache";

function links(base: string, name: string): ContextLinks {
  const self = `${base}/v1/contexts/${name}`;
  return {
    self,
    schema: `${self}/schema`,
    templateCsv: `${self}/template.csv`,
    templateJson: `${self}/template.json`,
  };
}

/** Cache headers of a catalog answer; `personal` when it shows a tenant's own contexts. */
function cacheAs(c: Context<AppEnv>, personal: boolean, policy = PUBLIC_CACHE): void {
  c.header("cache-control", personal ? PRIVATE_CACHE : policy);
  c.header("vary", "x-api-key, authorization");
}

async function requireContext(c: Context<AppEnv>, name: string): Promise<ResolvedContext> {
  const context = await contextFor(c, name);
  if (context) return context;
  const own = (await customContextsOf(c)).map((ctx) => ctx.name);
  throw notFound(
    `Context "${name}" (known contexts: ${[...CONTEXT_NAMES, ...own].join(", ")}${c.get("key") ? "" : "; a tenant's own contexts need its API key"})`,
  );
}

/** A custom context of the caller's tenant, for changing it: built-ins are refused, others are 404. */
async function requireCustom(
  c: Context<AppEnv>,
  name: string,
): Promise<ResolvedContext & { custom: object }> {
  const context = await requireContext(c, name);
  if (!context.custom)
    throw forbidden(
      `"${name}" is a built-in context; it is defined by Intake and cannot be changed or deleted`,
    );
  return context as ResolvedContext & { custom: object };
}

function orderedVersions(versions: string[]): string[] {
  return versions
    .flatMap((v) => {
      const parsed = parseSchemaVer(v);
      return parsed ? [{ v, parsed }] : [];
    })
    .sort((a, b) => compareSchemaVer(a.parsed, b.parsed))
    .map((x) => x.v);
}

async function revisionsOf(c: Context<AppEnv>, context: ResolvedContext): Promise<string[]> {
  if (!context.custom) return builtinRevisions(context.name);
  return orderedVersions(await listRevisions(c.var.db, context.custom.tenantId, context.name));
}

async function detailOf(
  c: Context<AppEnv>,
  context: ResolvedContext,
): Promise<ContextDetail | CustomContext> {
  const detail: ContextDetail = {
    ...summaryOf(context),
    links: links(baseUrl(c), context.name),
    schema: context.schema,
    revisions: await revisionsOf(c, context),
    capabilities: context.custom ? [] : capabilitiesOf(context.name),
  };
  if (!context.custom) return detail;
  return {
    ...detail,
    custom: true,
    createdAt: context.custom.createdAt,
    updatedAt: context.custom.updatedAt,
  };
}

/** A POST/PUT /v1/contexts body: JSON, at most 256 KB (a definition needs far less). */
async function readDefinition(c: Context<AppEnv>): Promise<unknown> {
  const type = mediaType(c);
  if (!isJsonType(type)) throw unsupportedMediaType(type, "application/json");
  const bytes = await c.req.arrayBuffer();
  const max = CUSTOM_CONTEXT_LIMITS.maxDefinitionBytes;
  if (bytes.byteLength > max)
    throw new Problem(
      413,
      "definition-too-large",
      "Context definition too large",
      `A context definition is at most ${max.toLocaleString("en-US")} bytes; this one is ${bytes.byteLength.toLocaleString("en-US")}. Nothing was stored`,
    );
  return parseJsonSafely(decodeUtf8(bytes));
}

function checked(c: Context<AppEnv>, body: unknown, name?: string) {
  const tenantId = c.get("key").tenantId;
  const result = checkCustomContext(body, {
    name,
    scopedName: (n) => customScopedName(tenantId, n),
    maxFieldLength: limitsOf(c.env).maxFieldLength,
  });
  if (!result.ok) throw invalidBody(result.errors);
  return result.value;
}

async function saved(c: Context<AppEnv>, name: string, change: SchemaChange): Promise<CustomContextSaved> {
  forgetContext(c, name);
  const context = await requireContext(c, name);
  return { ...((await detailOf(c, context)) as CustomContext), change };
}

export const catalog = new Hono<AppEnv>()
  .use("*", etag())
  .get("/", optionalKey(), async (c) => {
    const q = c.req.query("q");
    const category = c.req.query("category");
    if ((q?.length ?? 0) > 200 || (category?.length ?? 0) > 200)
      throw badRequest("q and category must be at most 200 characters");
    const base = baseUrl(c);
    const customs = await customContextsOf(c);
    const builtins = CONTEXT_NAMES.map((name) => contextFor(c, name));
    const all = [...(await Promise.all(builtins)), ...customs].filter(
      (ctx): ctx is ResolvedContext => ctx !== undefined,
    );
    const data: CatalogEntry[] = all
      .filter((ctx) => contextMatches(ctx.name, ctx.schema, { q, category }))
      .map((ctx) => ({ ...summaryOf(ctx), links: links(base, ctx.name) }));
    const categories = [...listCategories()];
    for (const ctx of customs) {
      const cat = ctx.schema["x-intake-category"];
      if (!categories.includes(cat)) categories.push(cat);
    }
    cacheAs(c, c.get("key") !== undefined);
    return c.json<CatalogList>({ data, categories });
  })
  .post("/", requireKey("admin"), rateLimit(), async (c) => {
    const key = c.get("key");
    const definition = checked(c, await readDefinition(c));
    const { name } = definition;
    const max = CUSTOM_CONTEXT_LIMITS.maxContextsPerTenant;
    // A name used before starts at the MODEL after its last one: its old $id is never reused.
    const model = await firstModelOf(c.var.db, key.tenantId, name);
    const version = `${model}-0-0`;
    const schema = {
      $id: schemaIdOf(customScopedName(key.tenantId, name), version),
      ...definition.schema,
    } as ContextSchema;
    const outcome = await insertCustomContext(
      c.var.db,
      key.tenantId,
      name,
      schema,
      version,
      c.get("now").toISOString(),
      { maxContexts: max, model },
    );
    if (outcome === "limit-reached")
      throw conflict(
        "limit-reached",
        "Too many contexts",
        `A tenant may have at most ${max} custom contexts`,
      );
    if (outcome === "generation-moved")
      throw conflict(
        "context-changed",
        "Context changed meanwhile",
        `A context named "${name}" was deleted while this one was created; send it again`,
      );
    if (outcome === "exists")
      throw conflict(
        "context-exists",
        "Context exists",
        `This tenant already has a context named "${name}"; change it with PUT /v1/contexts/${name}`,
      );
    c.header("location", `/v1/contexts/${name}`);
    return c.json(
      await saved(c, name, { kind: "model", from: null, to: version, reasons: [`${name} was created`] }),
      201,
    );
  })
  .get("/:context", optionalKey(), async (c) => {
    const context = await requireContext(c, c.req.param("context"));
    cacheAs(c, context.custom !== undefined);
    return c.json(await detailOf(c, context));
  })
  .put("/:context", requireKey("admin"), rateLimit(), async (c) => {
    const name = c.req.param("context");
    const confirm = c.req.query("confirm");
    if (confirm !== undefined && confirm !== "breaking")
      throw badRequest(`confirm must be "breaking" (to allow a MODEL change); got "${confirm.slice(0, 50)}"`);
    const current = await requireCustom(c, name);
    const definition = checked(c, await readDefinition(c), name);
    const scoped = customScopedName(current.custom.tenantId, name);
    const was = parseSchemaVer(current.custom.version);
    if (!was) throw new Error(`Stored version "${current.custom.version}" of ${name} is not SchemaVer`);
    const candidate = { $id: current.schema.$id, ...definition.schema } as ContextSchema;
    const change = compareSchemas(current.schema, candidate);
    if (change.kind === "none") return c.json(await saved(c, name, change));
    const to = formatSchemaVer(bumpSchemaVer(was, change.kind));
    const next: SchemaChange = { ...change, from: current.custom.version, to };
    if (change.kind === "model" && confirm !== "breaking")
      throw conflict(
        "schema-model-change",
        "Breaking schema change",
        `This change breaks records valid under ${name} ${next.from} (${change.reasons.join("; ")}), so it is a MODEL change to ${to}. Send it again with ?confirm=breaking to apply it: committed versions stay readable, and syncs started against ${next.from} will be refused at commit`,
        { change: next },
      );
    const schema = { ...candidate, $id: schemaIdOf(scoped, to) };
    const updated = await updateCustomContext(
      c.var.db,
      current.custom.tenantId,
      name,
      current.custom.version,
      schema,
      to,
      c.get("now").toISOString(),
    );
    if (!updated) {
      const committing = await committingInContext(c.var.db, current.custom.tenantId, name);
      if (committing)
        throw conflict(
          "context-committing",
          "Context being committed",
          `Sync ${committing} of ${name} is being committed with the records checked against ${current.custom.version}; the context cannot change until it is. Try again in a few seconds`,
          { syncId: committing },
          { "retry-after": String(COMMIT_RETRY_SECONDS) },
        );
      throw conflict(
        "context-changed",
        "Context changed meanwhile",
        `${name} changed while this update was checked; read it again and retry`,
      );
    }
    return c.json(await saved(c, name, next));
  })
  .delete("/:context", requireKey("admin"), rateLimit(), async (c) => {
    const name = c.req.param("context");
    const current = await requireCustom(c, name);
    const inUse = async () => {
      const users = await integrationsUsing(c.var.db, current.custom.tenantId, name);
      return conflict(
        "context-in-use",
        "Context in use",
        `${name} is used by ${users.length === 1 ? "integration" : `${users.length} integrations:`} ${users
          .map((i) => `"${i.name}" (${i.id})`)
          .join(", ")}; remove it from ${users.length === 1 ? "that integration" : "them"} first`,
        { integrations: users },
      );
    };
    const outcome = await deleteCustomContext(c.var.db, current.custom.tenantId, name);
    forgetContext(c, name);
    if (outcome === "in-use") throw await inUse();
    return c.body(null, 204);
  })
  .get("/:context/schema", optionalKey(), async (c) => {
    const context = await requireContext(c, c.req.param("context"));
    const version = c.req.query("version");
    let schema = context.schema;
    if (version !== undefined && version !== schemaVersion(context.schema)) {
      if (!parseSchemaVer(version))
        throw badRequest(
          `version must be a SchemaVer MODEL-REVISION-ADDITION such as 1-0-0; got "${version.slice(0, 50)}"`,
        );
      const found = context.custom
        ? await getRevision(c.var.db, context.custom.tenantId, context.name, version)
        : builtinRevision(context.name, version);
      if (!found) {
        const revisions = await revisionsOf(c, context);
        throw new Problem(
          404,
          "schema-revision-not-found",
          "Schema revision not found",
          `${context.name} has no revision ${version}; its revisions are ${revisions.join(", ")}`,
          { revisions },
        );
      }
      schema = typeof found === "string" ? parseStoredSchema(found) : found;
    }
    cacheAs(c, context.custom !== undefined, version === undefined ? PUBLIC_CACHE : REVISION_CACHE);
    return c.body(JSON.stringify(schema, null, 2), 200, {
      "content-type": "application/schema+json",
      etag: `"${schema.$id}"`,
    });
  })
  .get("/:context/template.csv", optionalKey(), async (c) => {
    const context = await requireContext(c, c.req.param("context"));
    cacheAs(c, context.custom !== undefined);
    return c.body(csvTemplate(context.schema), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${context.name}.csv"`,
    });
  })
  .get("/:context/template.json", optionalKey(), async (c) => {
    const context = await requireContext(c, c.req.param("context"));
    cacheAs(c, context.custom !== undefined);
    return c.body(JSON.stringify(jsonTemplate(context.schema), null, 2), 200, {
      "content-type": "application/json",
      "content-disposition": `attachment; filename="${context.name}.json"`,
    });
  });

export const capabilities = new Hono<AppEnv>().use("*", etag()).get("/", (c) => {
  c.header("cache-control", PUBLIC_CACHE);
  return c.json({ data: listCapabilities() });
});
