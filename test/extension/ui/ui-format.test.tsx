// The extension's one time format, plurals and the stepper's two forms.
import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { count, formatTime, hostOf, localTimes, plural } from "../../../extension/ui/format.ts";
import { Stepper } from "../../../extension/ui/Stepper.tsx";
import { Time } from "../../../extension/ui/Time.tsx";

afterEach(cleanup);

const local = (iso: string) => {
  const d = new Date(iso);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()}, ${two(d.getHours())}:${two(d.getMinutes())}`;
};

describe("formatTime", () => {
  it("writes every time as '27 Nov 2026, 14:05' in the browser's time zone", () => {
    expect(formatTime("2026-11-27T14:05:09Z")).toBe(local("2026-11-27T14:05:09Z"));
    expect(formatTime("2024-01-01T00:00:00Z")).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
  });
  it("says 'never' for a missing time and keeps an unreadable one as it is", () => {
    expect(formatTime(null)).toBe("never");
    expect(formatTime(undefined, "not yet")).toBe("not yet");
    expect(formatTime("soon")).toBe("soon");
  });
  it("rewrites the ISO times in a server's sentence", () => {
    expect(localTimes("Data committed at 2026-11-27T14:05:09.123Z; key expires 2027-01-01T00:00:00Z")).toBe(
      `Data committed at ${local("2026-11-27T14:05:09.123Z")}; key expires ${local("2027-01-01T00:00:00Z")}`,
    );
    expect(localTimes("No data yet")).toBe("No data yet");
  });
  it("shows the ISO value on hover", () => {
    render(<Time iso="2026-11-27T14:05:00Z" />);
    const time = screen.getByText(local("2026-11-27T14:05:00Z"));
    expect(time.getAttribute("title")).toBe("2026-11-27T14:05:00Z");
    expect(time.getAttribute("datetime")).toBe("2026-11-27T14:05:00Z");
  });
});

describe("counts", () => {
  it("gets singular and plural right, with thousands separators", () => {
    expect(plural(1, "row")).toBe("1 row");
    expect(plural(0, "row")).toBe("0 rows");
    expect(plural(1204, "record")).toBe("1,204 records");
    expect(plural(2, "entry", "entries")).toBe("2 entries");
    expect(count(580000)).toBe("580,000");
  });
  it("names a server by its host", () => {
    expect(hostOf("https://intake.example.com/")).toBe("intake.example.com");
    expect(hostOf("http://127.0.0.1:8787")).toBe("127.0.0.1:8787");
    expect(hostOf("not a url")).toBe("not a url");
  });
});

describe("Stepper", () => {
  it("marks the current step and the done ones, and has a compact form for narrow surfaces", () => {
    render(<Stepper steps={["Connect", "Choose", "Source", "Map", "Review", "Submit"]} current={4} />);
    const steps = screen.getByRole("list", { name: "Steps" });
    const items = [...steps.querySelectorAll("li")];
    expect(items.map((li) => li.getAttribute("data-state"))).toEqual([
      "done",
      "done",
      "done",
      "done",
      "current",
      "todo",
    ]);
    expect(items[4]?.getAttribute("aria-current")).toBe("step");
    expect(items[0]?.textContent).toBe("Connect (done)");
    expect(screen.getByText(/Step 5 of 6 ·/).textContent).toBe("Step 5 of 6 · Review");
  });
});
