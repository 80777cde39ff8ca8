// The problems panel: every kind of problem (column and rule) with its count; a click jumps to its
// first cell, the arrows to the next and previous; "Fix all N" where every cell of the kind has a
// fix, with a few examples; rows without a required value or repeating a key can be left out.
// Beside the grid when wide; a collapsible strip above it when narrow (≤ 600 px).
import { ChevronDown, ChevronUp, CircleAlert, TriangleAlert } from "lucide-preact";
import { useState } from "preact/hooks";
import type { DuplicateKeep, ProblemGroup, ProblemKind, ReviewSummary } from "../../pipeline/protocol.ts";
import { count, plural } from "../../ui/format.ts";
import { columnLabel, kindId, ruleLabel } from "./labels.ts";

interface Props {
  summary: ReviewSummary;
  onJump: (kind: ProblemKind, direction: 1 | -1 | 0) => void;
  onFix: (group: ProblemGroup) => void;
  onExclude: (group: ProblemGroup) => void;
  onKeepDuplicates: (keep: DuplicateKeep) => void;
}

function Group({
  group,
  onJump,
  onFix,
  onExclude,
  onKeepDuplicates,
}: Omit<Props, "summary"> & { group: ProblemGroup }) {
  const id = `problem-${kindId(group)}`;
  const column = columnLabel(group.column);
  const leaveOut = group.level === "error" && (group.keyword === "required" || group.fixable === 0);
  return (
    <li class={`review-group review-group--${group.level}`}>
      <div class="review-group-head">
        <button type="button" class="review-group-jump" id={`${id}-title`} onClick={() => onJump(group, 0)}>
          {group.level === "error" ? (
            <CircleAlert class="review-mark" aria-hidden="true" />
          ) : (
            <TriangleAlert class="review-mark" aria-hidden="true" />
          )}
          <span class="review-group-name">
            <span class="review-group-column">{column}</span> · {ruleLabel(group.keyword)}
            {group.level === "warning" && <span class="sr-only"> (warning)</span>}
          </span>
          <span class={`badge badge--${group.level === "error" ? "danger" : "warning"} num`}>
            {count(group.count)}
          </span>
        </button>
        <button
          type="button"
          class="btn btn--ghost btn--small review-icon-btn"
          aria-label={`Previous: ${column} ${ruleLabel(group.keyword)}`}
          title="Previous"
          onClick={() => onJump(group, -1)}
        >
          <ChevronUp aria-hidden="true" />
        </button>
        <button
          type="button"
          class="btn btn--ghost btn--small review-icon-btn"
          aria-label={`Next: ${column} ${ruleLabel(group.keyword)}`}
          title="Next"
          onClick={() => onJump(group, 1)}
        >
          <ChevronDown aria-hidden="true" />
        </button>
      </div>
      {group.fixable > 0 && (
        <div class="review-group-fix">
          <button
            type="button"
            class="btn btn--secondary btn--small"
            aria-describedby={`${id}-examples`}
            onClick={() => onFix(group)}
          >
            Fix all {count(group.fixable)}
            <span class="sr-only"> {column} values</span>
          </button>
          <span class="review-examples muted" id={`${id}-examples`}>
            {group.examples.map(([from, to]) => `${from || "(empty)"} → ${to}`).join(", ")}
            {group.fixable > group.examples.length ? ", …" : ""}
          </span>
        </div>
      )}
      {group.keyword === "duplicate-key" && (
        <div class="review-group-fix">
          <button
            type="button"
            class="btn btn--secondary btn--small"
            onClick={() => onKeepDuplicates("first")}
          >
            Keep first of each
          </button>
          <button
            type="button"
            class="btn btn--secondary btn--small"
            onClick={() => onKeepDuplicates("last")}
          >
            Keep last of each
          </button>
        </div>
      )}
      {leaveOut && group.keyword !== "duplicate-key" && (
        <div class="review-group-fix">
          <button type="button" class="btn btn--ghost btn--small" onClick={() => onExclude(group)}>
            Leave out {plural(group.rows, "row")}
            <span class="sr-only">
              {" "}
              with {column} {ruleLabel(group.keyword)}
            </span>
          </button>
        </div>
      )}
    </li>
  );
}

export function ProblemsPanel({ summary, ...rest }: Props) {
  const [open, setOpen] = useState(false);
  const problems = summary.groups.reduce((n, g) => n + g.count, 0);
  const columns = new Set(summary.groups.map((g) => g.column)).size;
  const headline = `${plural(problems, "problem")} in ${plural(columns, "column")}`;
  return (
    <nav class={`review-problems${open ? " review-problems--open" : ""}`} aria-label="Problems">
      <button
        type="button"
        class="review-strip"
        aria-expanded={open}
        aria-controls="review-problem-list"
        onClick={() => setOpen(!open)}
      >
        <span>{headline}</span>
        <ChevronDown aria-hidden="true" class="review-strip-chevron" />
      </button>
      <h3 class="review-problems-title">
        Problems <span class="muted num">{headline}</span>
      </h3>
      <ul id="review-problem-list" class="review-problem-list">
        {summary.groups.map((group) => (
          <Group key={kindId(group)} group={group} {...rest} />
        ))}
      </ul>
    </nav>
  );
}
