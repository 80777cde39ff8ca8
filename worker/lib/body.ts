// Reading request bodies: content type checked, JSON parsed with a precise error, and keys that
// could pollute prototypes refused wherever they appear.
import type { Context } from "hono";
import { badRequest, Problem } from "./problem.ts";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

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
 * The first forbidden key anywhere in a parsed JSON value. Iterative (an explicit stack), since a
 * 10 MB body can nest millions of levels deep and recursion would overflow the stack (a 500).
 */
function findForbiddenKey(root: unknown): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    const keys = Object.keys(value);
    for (const key of keys) if (FORBIDDEN_KEYS.has(key)) return key;
    for (let i = keys.length - 1; i >= 0; i--)
      stack.push((value as Record<string, unknown>)[keys[i] as string]);
  }
  return undefined;
}

/**
 * JSON.parse that refuses `__proto__`, `constructor` and `prototype` keys with a 400. (JSON.parse
 * itself makes them plain own properties; they are refused so no later code can trip on them.)
 * The walk only runs when the text could hold such a key, since a reviver costs ~5x the parse.
 */
export function parseJsonSafely(text: string): unknown {
  if (text.trim() === "") throw badRequest("The request body is empty; send a JSON document");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (/proto|constructor|\\u/.test(text)) {
    const forbidden = findForbiddenKey(parsed);
    if (forbidden) throw badRequest(`The key "${forbidden}" is not allowed anywhere in a request body`);
  }
  return parsed;
}

/** The body of a JSON request as an object. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const type = mediaType(c);
  if (!isJsonType(type)) throw unsupportedMediaType(type, "application/json");
  const value = parseJsonSafely(await c.req.text());
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("The request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}
