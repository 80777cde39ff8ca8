// `npm start`: runs Intake locally. At this stage only the schema core exists; the Worker and the
// extension are added by later work, and this script says so rather than pretending.
import { CONTEXT_NAMES, listCapabilities } from "../schemas/index.ts";

console.log(`Intake schema core: ${CONTEXT_NAMES.length} contexts (${CONTEXT_NAMES.join(", ")})`);
console.log(
  `Discovery capabilities: ${listCapabilities()
    .map((c) => c.title)
    .join("; ")}`,
);
console.log("\nNot there yet: the edge Worker (wrangler dev + local D1) and the browser extension build.");
console.log("Run `npm test` to check the core, `npm run bench` to measure it.");
