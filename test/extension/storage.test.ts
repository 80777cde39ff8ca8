// Persisted state (WXT storage on fakeBrowser) and the host-permission pattern of a Worker URL.
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { originPattern } from "../../extension/connect.ts";
import { loadMapping, mappingKey, mappingsItem, saveMapping } from "../../extension/storage.ts";

beforeEach(() => fakeBrowser.reset());

describe("saved mappings", () => {
  const mapping = { columns: ["emailId", null], constants: { accountType: "USER" }, valueMaps: {} };

  it("are found again by integration, context and header fingerprint only", async () => {
    await saveMapping(mappingKey("int_1", "saas_users", "2-abc"), mapping);
    expect(await loadMapping(mappingKey("int_1", "saas_users", "2-abc"))).toEqual(mapping);
    expect(await loadMapping(mappingKey("int_2", "saas_users", "2-abc"))).toBeUndefined();
    expect(await loadMapping(mappingKey("int_1", "list_users", "2-abc"))).toBeUndefined();
    expect(await loadMapping("constructor")).toBeUndefined();
  });

  it("keep the 200 most recent", async () => {
    for (let i = 0; i < 205; i++) await saveMapping(`k${i}`, mapping, new Date(Date.UTC(2024, 0, 1, 0, i)));
    const keys = Object.keys(await mappingsItem.getValue());
    expect(keys).toHaveLength(200);
    expect(keys).not.toContain("k4");
    expect(keys).toContain("k5");
  });
});

describe("originPattern", () => {
  it("asks for the Worker's host, any port", () => {
    expect(originPattern("http://127.0.0.1:8787/v1")).toBe("http://127.0.0.1/*");
    expect(originPattern("https://intake.example.com")).toBe("https://intake.example.com/*");
  });

  it("refuses anything but http(s)", () => {
    expect(() => originPattern("file:///etc/passwd")).toThrow(/http/);
    expect(() => originPattern("not a url")).toThrow();
  });
});
