import { render, screen } from "@testing-library/preact";
import { expect, it } from "vitest";

it("renders preact in the extension project", () => {
  render(<main>Intake</main>);
  expect(screen.getByRole("main").textContent).toBe("Intake");
});
