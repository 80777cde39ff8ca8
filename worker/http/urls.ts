// Absolute URLs for links in responses: the configured PUBLIC_URL, else the request's origin.
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";

export function baseUrl(c: Context<AppEnv>): string {
  const configured = c.env.PUBLIC_URL?.trim();
  return (configured || new URL(c.req.url).origin).replace(/\/+$/, "");
}
