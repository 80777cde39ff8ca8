// Builds the one validation report shape: capped lists in row order, exact counts.
import type { Issue, ValidationReport } from "./types.ts";

export const DEFAULT_ISSUE_CAP = 1000;

const byRow = (a: Issue, b: Issue) => a.row - b.row;

export class ReportBuilder {
  readonly cap: number;
  recordCount = 0;
  private errorCount = 0;
  private warningCount = 0;
  private readonly errors: Issue[] = [];
  private readonly warnings: Issue[] = [];

  constructor(cap = DEFAULT_ISSUE_CAP) {
    this.cap = Math.max(0, Math.floor(cap));
  }

  addError(issue: Issue): void {
    this.errorCount++;
    if (this.errors.length < this.cap) this.errors.push(issue);
  }

  addWarning(issue: Issue): void {
    this.warningCount++;
    if (this.warnings.length < this.cap) this.warnings.push(issue);
  }

  /** How many errors have been added so far. */
  get errorsAdded(): number {
    return this.errorCount;
  }

  /**
   * Adds errors found after later ones were added, each where it would have been: after the
   * first `at` errors added. `placed` is in order of `at` (ties in the order they came).
   */
  insertErrors(placed: readonly { at: number; issue: Issue }[]): void {
    if (placed.length === 0) return;
    const listed = this.errors.splice(0);
    let k = 0;
    for (let i = 0; i <= listed.length && this.errors.length < this.cap; i++) {
      for (; k < placed.length && (placed[k] as { at: number }).at <= i; k++) {
        if (this.errors.length < this.cap) this.errors.push((placed[k] as { issue: Issue }).issue);
      }
      if (i < listed.length && this.errors.length < this.cap) this.errors.push(listed[i] as Issue);
    }
    this.errorCount += placed.length;
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  build(): ValidationReport {
    return {
      valid: this.errorCount === 0,
      recordCount: this.recordCount,
      errorCount: this.errorCount,
      warningCount: this.warningCount,
      errors: [...this.errors].sort(byRow),
      warnings: [...this.warnings].sort(byRow),
      truncated: this.errors.length < this.errorCount || this.warnings.length < this.warningCount,
    };
  }
}
