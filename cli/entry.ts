// The packaged executable's entry (build.mjs bundles it into dist/intake.mjs).
import { main } from "./main.ts";

await main();
