// intake schema C: a context's JSON Schema (2020-12, with the Intake annotations) — the Worker's
// live one when a Worker is configured, else the one built into this CLI.
import { getSchema } from "../../schemas/index.ts";
import { CONNECTION_OPTIONS, type Command, text } from "../command.ts";
import { optionalClientOf } from "../config.ts";
import { EXIT, UsageError } from "../exit-codes.ts";

export const schemaCommand: Command = {
  name: "schema",
  summary: "print a context's JSON Schema",
  usage: "intake schema C [--url URL] [--key KEY]",
  description:
    "Prints the JSON Schema the Worker validates context C with (without a Worker URL: the built-in one).",
  positionals: { min: 1, max: 1 },
  options: { ...CONNECTION_OPTIONS },
  examples: ["intake schema saas_users > saas_users.schema.json", "intake schema saas_users | jq .required"],
  async run(parsed, io) {
    const context = parsed.positionals[0] as string;
    const client = optionalClientOf({ url: text(parsed, "url"), key: text(parsed, "key") }, io);
    let schema: unknown;
    if (client) {
      const answer = await client.contextSchema(context);
      schema = answer.notModified ? undefined : answer.schema;
    } else {
      schema = getSchema(context);
      if (!schema) throw new UsageError(`Unknown context "${context}" (intake contexts lists them)`);
    }
    io.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    return EXIT.OK;
  },
};
