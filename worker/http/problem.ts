// RFC 9457 problem details: the one error type routes throw and `onError` renders.
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ProblemDocument } from "../../schemas/api-types.ts";

export const PROBLEM_BASE = "https://intake.dev/problems/";

/** The wire type of schemas/api-types.ts; the Worker always says what happened (`detail`). */
export type ProblemBody = ProblemDocument & { detail: string };

/** An expected failure with its problem document; `onError` turns it into the response. */
export class Problem extends HTTPException {
  readonly body: ProblemBody;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    slug: string,
    title: string,
    detail: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(status, { message: detail });
    this.body = { type: `${PROBLEM_BASE}${slug}`, title, status, detail, ...extensions };
    this.headers = headers;
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.body), {
      status: this.body.status,
      headers: { "content-type": "application/problem+json", ...this.headers },
    });
  }
}

/** A field-level complaint about a request body. */
export interface FieldError {
  pointer: string;
  message: string;
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new Problem(400, "bad-request", "Bad request", detail, errors ? { errors } : {});

export const invalidBody = (errors: FieldError[]) =>
  new Problem(
    422,
    "invalid-body",
    "The request body is not valid",
    errors.map((e) => `${e.pointer || "body"}: ${e.message}`).join("; "),
    { errors },
  );

export const notFound = (what: string) => new Problem(404, "not-found", "Not found", `${what} was not found`);

export const unauthorized = (detail: string) =>
  new Problem(
    401,
    "unauthorized",
    "Unauthorized",
    detail,
    {},
    { "www-authenticate": 'Bearer realm="intake"' },
  );

export const forbidden = (detail: string) => new Problem(403, "forbidden", "Forbidden", detail);

export const conflict = (
  slug: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => new Problem(409, slug, title, detail, extensions, headers);

/** Records that failed validation: 422 with the SPEC report; nothing was stored. */
export const invalidRecords = (
  report: { errorCount: number; recordCount: number },
  what = "nothing was stored",
) =>
  new Problem(
    422,
    "invalid-records",
    "The records are not valid",
    `${report.errorCount} error${report.errorCount === 1 ? "" : "s"} in ${report.recordCount} record${report.recordCount === 1 ? "" : "s"}; ${what}`,
    { report },
  );
