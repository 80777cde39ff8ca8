// GET /health: liveness, with a database round trip.
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";

export const health = new Hono<AppEnv>().get("/health", async (c) => {
  await c.env.DB.prepare("SELECT 1").first();
  return c.json({ status: "ok" });
});
