// GET /health: liveness, with a round trip to DB and to every data database.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { pingDatabase } from "../db/status.ts";
import { dataDatabases } from "../domain/databases.ts";

export const health = new Hono<AppEnv>().get("/health", async (c) => {
  await Promise.all([c.env.DB, ...dataDatabases(c.env).map((d) => d.db)].map(pingDatabase));
  return c.json({ status: "ok" });
});
