// Checks of control-plane request fields, collecting every complaint with its JSON pointer.
import { type FieldError, invalidBody } from "./problem.ts";

export class FieldChecker {
  readonly errors: FieldError[] = [];
  private readonly body: Record<string, unknown>;

  constructor(body: Record<string, unknown>, allowed: readonly string[]) {
    this.body = body;
    for (const key of Object.keys(body)) {
      if (!allowed.includes(key))
        this.errors.push({ pointer: `/${key}`, message: `unknown field; allowed: ${allowed.join(", ")}` });
    }
  }

  has(field: string): boolean {
    return Object.hasOwn(this.body, field) && this.body[field] !== undefined;
  }

  fail(field: string, message: string): undefined {
    this.errors.push({ pointer: `/${field}`, message });
    return undefined;
  }

  /** A trimmed string of 1..max characters; undefined (and an error when required) otherwise. */
  text(
    field: string,
    options: { required?: boolean; max: number; nullable?: boolean },
  ): string | null | undefined {
    if (!this.has(field)) return options.required ? this.fail(field, "is required") : undefined;
    const value = this.body[field];
    if (value === null && options.nullable) return null;
    if (typeof value !== "string") return this.fail(field, "must be a string");
    const trimmed = value.trim();
    if (trimmed === "") return options.required ? this.fail(field, "must not be empty") : null;
    if (trimmed.length > options.max) return this.fail(field, `must be at most ${options.max} characters`);
    return trimmed;
  }

  oneOf<T extends string>(field: string, options: readonly T[], required = true): T | undefined {
    if (!this.has(field))
      return required ? this.fail(field, `is required: one of ${options.join(", ")}`) : undefined;
    const value = this.body[field];
    if (typeof value !== "string" || !options.includes(value as T))
      return this.fail(field, `must be one of ${options.join(", ")}`);
    return value as T;
  }

  raw(field: string): unknown {
    return this.body[field];
  }

  /** Throws a 422 listing every complaint, if there is any. */
  done(): void {
    if (this.errors.length > 0) throw invalidBody(this.errors);
  }
}
