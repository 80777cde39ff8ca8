// Test helpers for the schema core.
import { getSchema } from "../../schemas/index.ts";
import type { ContextSchema } from "../../schemas/types.ts";

export * from "../../schemas/index.ts";

export function getSchemaOrThrow(context: string): ContextSchema {
  const schema = getSchema(context);
  if (!schema) throw new Error(`unknown context ${context}`);
  return schema;
}
