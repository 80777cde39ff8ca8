// Options page entrypoint: the console (integrations, API keys, status, history).
// The design system first: each wing's own CSS, imported by its components, comes after it.
import "../../ui/styles.css";

import { render } from "preact";
import { Console } from "../../console/Console.tsx";
import { browserConsoleDeps } from "../../console/deps.ts";

render(<Console deps={browserConsoleDeps()} />, document.getElementById("app") as HTMLElement);
