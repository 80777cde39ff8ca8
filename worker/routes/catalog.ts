// Public catalog: contexts, schemas and templates, all from schemas/ (cacheable, ETag).
import { Hono } from "hono";
import { etag } from "hono/etag";
import {
  CONTEXT_NAMES,
  type ContextSummary,
  capabilitiesOf,
  csvTemplate,
  getContext,
  getSchema,
  jsonTemplate,
  listCapabilities,
  listCategories,
  listContexts,
} from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import { badRequest, notFound } from "../http/problem.ts";
import { baseUrl } from "../http/urls.ts";

const CACHE_CONTROL = "public, max-age=300";

function links(base: string, name: string) {
  const self = `${base}/v1/contexts/${name}`;
  return {
    self,
    schema: `${self}/schema`,
    templateCsv: `${self}/template.csv`,
    templateJson: `${self}/template.json`,
  };
}

function requireContext(name: string): ContextSummary {
  const context = getContext(name);
  if (!context) throw notFound(`Context "${name}" (known contexts: ${CONTEXT_NAMES.join(", ")})`);
  return context;
}

export const catalog = new Hono<AppEnv>()
  .use("*", etag())
  .use("*", async (c, next) => {
    await next();
    if (c.res.ok) c.header("cache-control", CACHE_CONTROL);
  })
  .get("/", (c) => {
    const q = c.req.query("q");
    const category = c.req.query("category");
    if ((q?.length ?? 0) > 200 || (category?.length ?? 0) > 200)
      throw badRequest("q and category must be at most 200 characters");
    const base = baseUrl(c);
    return c.json({
      data: listContexts({ q, category }).map((ctx) => ({ ...ctx, links: links(base, ctx.name) })),
      categories: listCategories(),
    });
  })
  .get("/:context", (c) => {
    const context = requireContext(c.req.param("context"));
    return c.json({
      ...context,
      schema: getSchema(context.name),
      links: links(baseUrl(c), context.name),
      capabilities: capabilitiesOf(context.name),
    });
  })
  .get("/:context/schema", (c) => {
    const context = requireContext(c.req.param("context"));
    return c.body(JSON.stringify(getSchema(context.name), null, 2), 200, {
      "content-type": "application/schema+json",
    });
  })
  .get("/:context/template.csv", (c) => {
    const context = requireContext(c.req.param("context"));
    return c.body(csvTemplate(context.name), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${context.name}.csv"`,
    });
  })
  .get("/:context/template.json", (c) => {
    const context = requireContext(c.req.param("context"));
    return c.body(JSON.stringify(jsonTemplate(context.name), null, 2), 200, {
      "content-type": "application/json",
      "content-disposition": `attachment; filename="${context.name}.json"`,
    });
  });

export const capabilities = new Hono<AppEnv>().use("*", etag()).get("/", (c) => {
  c.header("cache-control", CACHE_CONTROL);
  return c.json({ data: listCapabilities() });
});
