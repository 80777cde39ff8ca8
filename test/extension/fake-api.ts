// Faults around the Intake Worker, for tests of the client, the upload and the flows: `withFaults`
// wraps a fetch — the real Worker (worker project) or a few recorded answers (`recorded`, extension
// project) — logs every request, and fails the next matching ones on demand: an error status
// (429/503 with Retry-After, a refusal), a lost connection, or a slow answer held until released.
// It has no rules of its own: every answer that is not a fault comes from what it wraps.

export type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** A status answered as a problem document instead of the real answer, or the network lost. */
export type Fault =
  | { status: number; retryAfter?: string; detail?: string; extra?: Record<string, unknown> }
  | "network";

export interface Sent {
  method: string;
  path: string;
  /** The query string ("" or "?…"). */
  search: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The body as sent: text, or bytes (a gzip batch). */
  body?: string | Uint8Array;
}

const TITLES: Record<number, string> = { 401: "Unauthorized", 404: "Not found", 503: "Service Unavailable" };

/** An RFC 9457 problem answer, as the Worker writes one. */
export const problem = (status: number, detail?: string, extra: Record<string, unknown> = {}) =>
  new Response(
    JSON.stringify({ type: "about:blank", title: TITLES[status] ?? "Error", status, detail, ...extra }),
    { status, headers: { "content-type": "application/problem+json" } },
  );

/** A request's body as text, gzip decoded (what the Worker reads). */
export async function bodyText(sent: Sent): Promise<string> {
  const body = sent.body ?? "";
  if (typeof body === "string") return body;
  const bytes = new Blob([body as Uint8Array<ArrayBuffer>]).stream();
  const decoded =
    sent.headers["content-encoding"] === "gzip" ? bytes.pipeThrough(new DecompressionStream("gzip")) : bytes;
  return new Response(decoded).text();
}

/** The JSON body of a request sent as text; undefined when there is none. */
export const jsonOf = (sent: Sent | undefined): unknown =>
  typeof sent?.body === "string" ? JSON.parse(sent.body) : undefined;

/** The JSON body of a request (gzip decoded). */
export const bodyJson = async <T = unknown>(sent: Sent): Promise<T> => JSON.parse(await bodyText(sent)) as T;

function sentOf(input: RequestInfo | URL, init: RequestInit): Sent {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const body = init.body;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const bytes = body instanceof Uint8Array ? Uint8Array.from(body as Uint8Array) : undefined;
  return {
    method: (init.method ?? "GET").toUpperCase(),
    path: url.pathname,
    search: url.search,
    headers,
    ...(typeof body === "string" ? { body } : bytes ? { body: bytes } : {}),
  };
}

interface Match {
  method?: string;
  path: RegExp;
}
const matches = (m: Match, sent: Sent) => (!m.method || m.method === sent.method) && m.path.test(sent.path);

export function withFaults(target: Fetch) {
  const requests: Sent[] = [];
  const faults: (Match & { fault: Fault })[] = [];
  const slow: Match[] = [];
  /** Requests held by `hold`, oldest first; `release` lets one through to `target`. */
  const held: { sent: Sent; release: () => void }[] = [];

  const fetch: Fetch = async (input, init = {}) => {
    const sent = sentOf(input, init);
    requests.push(sent);
    init.signal?.throwIfAborted();
    const i = faults.findIndex((f) => matches(f, sent));
    if (i >= 0) {
      const { fault } = faults.splice(i, 1)[0] as { fault: Fault };
      if (fault === "network") throw new TypeError("Failed to fetch");
      const response = problem(fault.status, fault.detail, fault.extra);
      if (fault.retryAfter !== undefined) response.headers.set("retry-after", fault.retryAfter);
      return response;
    }
    if (slow.some((m) => matches(m, sent)))
      await new Promise<void>((resolve, reject) => {
        held.push({ sent, release: resolve });
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
      });
    return target(input, init);
  };

  return {
    fetch,
    requests,
    held,
    /** The next `times` requests matching `method` and `path` fail with `fault`. */
    failNext(method: string | undefined, path: RegExp, fault: Fault, times = 1): void {
      for (let n = 0; n < times; n++) faults.push({ method, path, fault });
    },
    /** From now on, requests matching `method` and `path` wait in `held` until released. */
    hold(method: string | undefined, path: RegExp): void {
      slow.push({ method, path });
    },
  };
}

export type Faults = ReturnType<typeof withFaults>;

/** A recorded answer: a JSON body (200), a Response, or made from the request. */
export type Answer = unknown | ((sent: Sent) => unknown);

/**
 * A Worker that only replays answers recorded for a test, by "METHOD /path" (`*` stands for one path
 * segment; of two routes that match, the later one answers). A list answers in turn, its last answer
 * from then on; any other request is a 404.
 */
export function recorded(routes: Record<string, Answer | Answer[]>): Fetch {
  const table = Object.entries(routes).map(([route, answer]) => {
    const [method, path = ""] = route.split(" ");
    const pattern = path.replace(/[.?+^$()[\]{}|\\]/g, "\\$&").replaceAll("*", "[^/]+");
    return {
      method,
      path: new RegExp(`^${pattern}$`),
      answers: Array.isArray(answer) ? [...answer] : [answer],
    };
  });
  return async (input, init = {}) => {
    const sent = sentOf(input, init);
    const route = table.findLast((r) => matches(r, sent));
    if (!route) return problem(404, `Nothing recorded for ${sent.method} ${sent.path}`);
    const next = route.answers.length > 1 ? route.answers.shift() : route.answers[0];
    const answer = typeof next === "function" ? await next(sent) : next;
    return answer instanceof Response ? answer.clone() : Response.json(answer);
  };
}
