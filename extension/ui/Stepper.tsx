// The step indicator: every step with its state on wide surfaces, "Step 5 of 6 · Review" at
// side-panel widths (CSS shows one or the other).
import { Check } from "lucide-preact";

export function Stepper({ steps, current }: { steps: readonly string[]; current: number }) {
  const label = steps[current] ?? "";
  return (
    <>
      <ol class="stepper" aria-label="Steps">
        {steps.map((step, i) => (
          <li
            key={step}
            data-state={i < current ? "done" : i === current ? "current" : "todo"}
            aria-current={i === current ? "step" : undefined}
          >
            <span class="stepper-dot" aria-hidden="true">
              {i < current ? <Check aria-hidden="true" /> : i + 1}
            </span>
            {step}
            {i < current && <span class="sr-only"> (done)</span>}
          </li>
        ))}
      </ol>
      <p class="stepper-compact">
        Step {current + 1} of {steps.length} · <strong>{label}</strong>
      </p>
    </>
  );
}
