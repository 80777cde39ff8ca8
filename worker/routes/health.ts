// GET /health: liveness, with a database round trip.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { pingDatabase } from "../db/status.ts";

export const health = new Hono<AppEnv>().get("/health", async (c) => {
  await pingDatabase(c.env.DB);
  return c.json({ status: "ok" });
});
