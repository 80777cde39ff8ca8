// Every request body goes through here once: read to the end (so a client that hangs up early gets
// a 400, not a 500) with the size limit on its bytes. A gzip body is decoded only once the caller
// is authenticated (`decodeBody`, called by the auth middleware), fed to the inflater a kilobyte
// at a time so that it stops at the limit of decoded bytes: a bomb costs at most the limit, never
// its claim. Downstream code reads the buffered body with c.req.text()/json()/arrayBuffer() as
// usual. Written by hand because Hono's bodyLimit neither decodes Content-Encoding nor turns a
// broken stream into a problem.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { limitsOf } from "../http/limits.ts";
import { badRequest, Problem } from "../http/problem.ts";

const ACCEPTED_ENCODINGS = "gzip, identity";

const tooLarge = (maxBytes: number, decoded: boolean) =>
  new Problem(
    413,
    "payload-too-large",
    "Payload too large",
    decoded
      ? `The request body is larger than ${maxBytes} bytes once gzip is decoded; nothing was stored`
      : `The request body is larger than ${maxBytes} bytes`,
  );

const incomplete = (detail: string) => new Problem(400, "body-incomplete", "Request body incomplete", detail);

/** The one content coding of a request ("identity" when none), or a 415 for anything else. */
export function contentCodingOf(header: string | null): "gzip" | "identity" {
  const codings = (header ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  if (codings.length === 0) return "identity";
  if (codings.length === 1 && (codings[0] === "gzip" || codings[0] === "x-gzip")) return "gzip";
  const shown = header && header.length > 100 ? `${header.slice(0, 100)}…` : header;
  throw new Problem(
    415,
    "unsupported-content-encoding",
    "Unsupported content encoding",
    `Content-Encoding must be gzip (or none); got "${shown}"`,
    {},
    { "accept-encoding": ACCEPTED_ENCODINGS },
  );
}

/**
 * Reads a stream to its end, at most `maxBytes` bytes (then `onOver` is thrown and the stream is
 * cancelled, so a zip bomb is never inflated past the limit). A stream error is `onError`'s.
 */
async function readAll(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  onOver: () => Problem,
  onError: (error: unknown, received: number) => Problem,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw onError(error, size);
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => undefined);
      throw onOver();
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

/** The declared Content-Length, when it is a plain number. */
function declaredLength(headers: Headers): number | undefined {
  const text = headers.get("content-length")?.trim();
  return text && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

export function requestBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = c.req.raw;
    if (raw.body === null) return next();
    const maxBytes = limitsOf(c.env).maxBodyBytes;
    const coding = contentCodingOf(raw.headers.get("content-encoding"));
    const declared = declaredLength(raw.headers);
    // A compressed body over the limit decodes to more than the limit too: refused unread.
    if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes, false);

    const received = await readAll(
      raw.body,
      maxBytes,
      () => tooLarge(maxBytes, false),
      (_error, got) =>
        incomplete(
          declared === undefined
            ? `The request body broke off after ${got} bytes; nothing was stored`
            : `The request body ended before its declared length (${got} of ${declared} bytes); nothing was stored`,
        ),
    );
    if (declared !== undefined && received.byteLength !== declared) {
      throw incomplete(
        received.byteLength < declared
          ? `The request body ended before its declared length (${received.byteLength} of ${declared} bytes); nothing was stored`
          : `The request body is longer than its declared length (${received.byteLength} of ${declared} bytes); nothing was stored`,
      );
    }

    if (coding === "gzip") {
      c.set("encodedBody", received);
    } else {
      replaceBody(c, received);
    }
    await next();
  };
}

function replaceBody(c: Context<AppEnv>, body: Uint8Array): void {
  const raw = c.req.raw;
  const headers = new Headers(raw.headers);
  headers.delete("content-encoding");
  headers.set("content-length", String(body.byteLength));
  c.req.raw = new Request(raw, { body, headers });
}

/** Compressed bytes handed to the inflater at once: deflate expands 1 KB to at most ~1 MB. */
const INFLATE_STEP = 1024;

/**
 * Decodes a gzip body read by `requestBody`, after authentication: at most `maxBodyBytes` decoded
 * bytes are ever produced (413 beyond), and a corrupt stream is a 400. A no-op for other bodies.
 */
export async function decodeBody(c: Context<AppEnv>): Promise<void> {
  const encoded = c.get("encodedBody");
  if (!encoded) return;
  c.set("encodedBody", undefined);
  const maxBytes = limitsOf(c.env).maxBodyBytes;
  const inflater = new DecompressionStream("gzip");
  const writer = inflater.writable.getWriter();
  // Input goes in step by step, each write waiting for the inflater to take it, so the output
  // read below (and stopped at the limit) bounds what is ever inflated.
  const feeding = (async () => {
    for (let at = 0; at < encoded.byteLength; at += INFLATE_STEP)
      await writer.write(encoded.subarray(at, at + INFLATE_STEP));
    await writer.close();
  })();
  feeding.catch(() => undefined);
  const corrupt = () =>
    badRequest("The request body is not valid gzip (Content-Encoding: gzip); nothing was stored");
  const body = await readAll(inflater.readable, maxBytes, () => tooLarge(maxBytes, true), corrupt);
  await feeding.catch(() => {
    throw corrupt();
  });
  replaceBody(c, body);
}
