// GET /openapi.json: with an API key, the tenant's custom contexts are among the context names.
import { Hono } from "hono";
import { CONTEXT_NAMES } from "../../schemas/index.ts";
import type { AppEnv } from "../app-env.ts";
import { customContextsOf } from "../domain/contexts.ts";
import { baseUrl } from "../http/urls.ts";
import { optionalKey } from "../middleware/auth.ts";
import { openApiDocument } from "../openapi.ts";

export const openapi = new Hono<AppEnv>().get("/openapi.json", optionalKey(), async (c) => {
  const customs = await customContextsOf(c);
  if (c.get("key")) c.header("vary", "x-api-key, authorization");
  return c.json(openApiDocument(baseUrl(c), [...CONTEXT_NAMES, ...customs.map((ctx) => ctx.name)]));
});
