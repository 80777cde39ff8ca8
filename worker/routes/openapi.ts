// GET /openapi.json.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { baseUrl } from "../http/urls.ts";
import { openApiDocument } from "../openapi.ts";

export const openapi = new Hono<AppEnv>().get("/openapi.json", (c) => c.json(openApiDocument(baseUrl(c))));
