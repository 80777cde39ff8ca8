// Reading request bodies: content type checked, JSON parsed with a precise error, and keys that
// could pollute prototypes refused wherever they appear.
import type { Context } from "hono";
import { isObject, parseJsonValue } from "../../schemas/index.ts";
import { badRequest, Problem } from "./problem.ts";

export const unsupportedMediaType = (got: string | undefined, expected: string) =>
  new Problem(
    415,
    "unsupported-media-type",
    "Unsupported media type",
    `Content-Type must be ${expected}; got ${got ? `"${got}"` : "none"}`,
  );

/** The media type of a request without parameters, lower-cased. */
export function mediaType(c: Context): string | undefined {
  return c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase() || undefined;
}

export function isJsonType(type: string | undefined): boolean {
  return type === "application/json" || (type?.startsWith("application/") === true && type.endsWith("+json"));
}

/**
 * JSON.parse that refuses `__proto__`, `constructor` and `prototype` keys anywhere with a 400; the
 * rule and its words are the core's (schemas/json-records.ts parseJsonValue).
 */
export function parseJsonSafely(text: string): unknown {
  if (text.trim() === "") throw badRequest("The request body is empty; send a JSON document");
  const parsed = parseJsonValue(text, "request body");
  if (!parsed.ok) throw badRequest(parsed.message);
  return parsed.value;
}

/** The body of a JSON request as an object. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const type = mediaType(c);
  if (!isJsonType(type)) throw unsupportedMediaType(type, "application/json");
  const value = parseJsonSafely(await c.req.text());
  if (!isObject(value)) throw badRequest("The request body must be a JSON object");
  return value;
}
