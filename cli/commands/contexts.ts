// intake contexts: the kinds of records the Worker takes (with a key: the tenant's own too), or the
// built-in ones when no Worker is configured.
import { listContexts } from "../../schemas/index.ts";
import { CONNECTION_OPTIONS, type Command, flag, text } from "../command.ts";
import { optionalClientOf } from "../config.ts";
import { EXIT } from "../exit-codes.ts";

export const contextsCommand: Command = {
  name: "contexts",
  summary: "list the contexts (kinds of records) and their fields",
  usage: "intake contexts [--json] [--url URL] [--key KEY]",
  description: [
    "Lists the Worker's catalog (a key adds the tenant's custom contexts); without a Worker URL, the",
    "contexts built into this CLI.",
  ].join("\n"),
  positionals: { min: 0, max: 0 },
  options: {
    json: { type: "boolean", description: "print the catalog entries as JSON" },
    ...CONNECTION_OPTIONS,
  },
  examples: ["intake contexts", "intake contexts --json | jq -r '.[].name'"],
  async run(parsed, io) {
    const client = optionalClientOf({ url: text(parsed, "url"), key: text(parsed, "key") }, io);
    const contexts = client ? await client.listContexts() : listContexts();
    if (flag(parsed, "json")) {
      io.stdout.write(`${JSON.stringify(contexts, null, 2)}\n`);
      return EXIT.OK;
    }
    const width = Math.max(...contexts.map((c) => c.name.length)) + 2;
    for (const c of contexts) {
      io.stdout.write(
        `${c.name.padEnd(width)}${c.title} (${c.category}, ${c.version}${"custom" in c && c.custom ? ", custom" : ""})\n`,
      );
      io.stdout.write(
        `${"".padEnd(width)}key: ${c.key.join(", ")} · required: ${c.required.join(", ") || "none"}\n`,
      );
    }
    return EXIT.OK;
  },
};
