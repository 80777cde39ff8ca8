// The Intake edge validator: builds the Hono app, registers middleware and the single error
// path, and mounts one sub-app per resource.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env.ts";
import { type CommitMessage, consumeCommits } from "./domain/commit-steps.ts";
import { consumeMoves, type MoveMessage } from "./domain/move.ts";
import { Problem } from "./http/problem.ts";
import { requestBody } from "./middleware/request-body.ts";
import { capabilities, catalog } from "./routes/catalog.ts";
import { data } from "./routes/data.ts";
import { health } from "./routes/health.ts";
import { history } from "./routes/history.ts";
import { integrations } from "./routes/integrations.ts";
import { keys } from "./routes/keys.ts";
import { me } from "./routes/me.ts";
import { openapi } from "./routes/openapi.ts";
import { status } from "./routes/status.ts";
import { databases, tenants } from "./routes/tenants.ts";
import { runMaintenance } from "./scheduled.ts";

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension):\/\/[a-z0-9-]+$/i;

function allowedOrigin(origin: string, env: Env): string | null {
  if (EXTENSION_ORIGIN.test(origin)) return origin;
  const configured = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  return configured.includes(origin) ? origin : null;
}

export const app = new Hono<AppEnv>();

app.use("*", async (c, next) => {
  c.set("now", new Date());
  await next();
});
app.use("*", secureHeaders());
app.use("*", (c, next) =>
  cors({
    origin: (origin) => allowedOrigin(origin, c.env),
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["content-type", "content-encoding", "x-api-key", "authorization", "idempotency-key"],
    exposeHeaders: ["retry-after", "etag", "location", "content-disposition"],
    maxAge: 600,
  })(c, next),
);
app.use("*", requestBody());

app.route("/", health);
app.route("/", openapi);
app.route("/v1/contexts", catalog);
app.route("/v1/capabilities", capabilities);
app.route("/v1/tenants", tenants);
app.route("/v1/databases", databases);
app.route("/v1/me", me);
app.route("/v1/keys", keys);
app.route("/v1/integrations", integrations);
app.route("/v1/integrations/:id/contexts/:context", data);
app.route("/v1/integrations/:id", history);
app.route("/v1/integrations/:id", status);

app.notFound((c) =>
  new Problem(
    404,
    "not-found",
    "Not found",
    `No route for ${c.req.method} ${new URL(c.req.url).pathname}`,
  ).toResponse(),
);

app.onError((error, c) => {
  if (error instanceof Problem) return error.toResponse();
  if (error instanceof HTTPException) {
    const code = error.status;
    return new Problem(
      code,
      "http-error",
      error.message || "Request failed",
      error.message || `HTTP ${code}`,
    ).toResponse();
  }
  // Only the unexpected is logged: method, path and the error, never headers or bodies.
  console.error(`Unhandled error on ${c.req.method} ${new URL(c.req.url).pathname}:`, error);
  return new Problem(
    500,
    "internal",
    "Internal error",
    "Something went wrong on our side; the request was not applied",
  ).toResponse();
});

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(runMaintenance(env, new Date()).then(() => undefined));
  },
  // Commits too large for one request, a range of rows per step (domain/commit-steps.ts), and
  // tenants moved between data databases, a page per step (domain/move.ts).
  async queue(batch, env) {
    if (batch.queue === "intake-moves") return consumeMoves(batch as MessageBatch<MoveMessage>, env);
    return consumeCommits(batch as MessageBatch<CommitMessage>, env);
  },
} satisfies ExportedHandler<Env, CommitMessage | MoveMessage>;
