// Ids, API key secrets and their hashes. Secrets are high-entropy random values, so one SHA-256
// is the right hash (no password stretching needed); comparisons are constant-time.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A random id with a readable prefix, e.g. `int_3f9a…` (16 random bytes). */
export function newId(prefix: string): string {
  return `${prefix}_${hex(crypto.getRandomValues(new Uint8Array(16)))}`;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return hex(new Uint8Array(digest));
}

/** Equal strings, compared in constant time over their SHA-256 digests (so lengths leak nothing). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(a)),
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}

const KEY_PREFIX = "intk";
const KEY_FORMAT = /^intk_(key_[0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** A new API key: its id, the secret shown once, and the hash that is stored. */
export async function newApiKey(): Promise<{ id: string; secret: string; hash: string }> {
  const id = newId("key");
  const secret = `${KEY_PREFIX}_${id}_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  return { id, secret, hash: await sha256Hex(secret) };
}

/** The key id inside a presented secret, or undefined when it is not shaped like an Intake key. */
export function keyIdOf(secret: string): string | undefined {
  return KEY_FORMAT.exec(secret)?.[1];
}
