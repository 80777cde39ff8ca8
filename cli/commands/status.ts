// intake status: Ready / Active / Warning / Failed per integration and context, with the reasons,
// as the Worker computes them on read.
import type { IntegrationStatus } from "../../extension/api-client.ts";
import { formatTime } from "../../extension/ui/format.ts";
import { CONNECTION_OPTIONS, type Command, flag, text } from "../command.ts";
import { clientOf, connectionOf } from "../config.ts";
import { EXIT } from "../exit-codes.ts";

type Named = IntegrationStatus & { name: string };

export function statusLines(status: Named): string[] {
  const lines = [`${status.name} (${status.integrationId}): ${status.status}`];
  for (const reason of status.reasons) lines.push(`  - ${reason}`);
  const width = Math.max(0, ...status.contexts.map((c) => c.context.length)) + 2;
  for (const c of status.contexts) {
    const last = c.lastCommitAt ? `last commit ${formatTime(c.lastCommitAt)}` : "no data yet";
    lines.push(`  ${c.context.padEnd(width)}${c.status.padEnd(8)}${last}`);
    for (const reason of c.reasons) lines.push(`  ${"".padEnd(width)}- ${reason}`);
  }
  return lines;
}

export const statusCommand: Command = {
  name: "status",
  summary: "show Ready / Active / Warning / Failed per integration and context",
  usage: "intake status [--integration ID] [--json]",
  description: [
    "Shows each integration the key may use (or one) with its status and reasons, per context.",
    "--json prints the Worker's status (an object with --integration, else an array).",
  ].join("\n"),
  positionals: { min: 0, max: 0 },
  options: {
    integration: {
      type: "string",
      short: "i",
      valueName: "ID",
      description: "one integration (its id, int_…)",
    },
    json: { type: "boolean", description: "print the status as JSON" },
    ...CONNECTION_OPTIONS,
  },
  examples: ["intake status", "intake status -i int_123 --json | jq -r .status"],
  async run(parsed, io) {
    const client = clientOf(connectionOf({ url: text(parsed, "url"), key: text(parsed, "key") }, io), io);
    const id = text(parsed, "integration");
    const integrations = id ? [await client.getIntegration(id)] : await client.listIntegrations();
    const statuses: Named[] = [];
    for (const integration of integrations)
      statuses.push({
        name: integration.displayName ?? integration.name,
        ...(await client.integrationStatus(integration.id)),
      });
    if (flag(parsed, "json")) {
      io.stdout.write(`${JSON.stringify(id ? statuses[0] : statuses, null, 2)}\n`);
      return EXIT.OK;
    }
    if (statuses.length === 0) io.stdout.write("This key may use no integration.\n");
    for (const status of statuses) io.stdout.write(`${statusLines(status).join("\n")}\n`);
    return EXIT.OK;
  },
};
