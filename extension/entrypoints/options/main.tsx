// Options page entrypoint: the console (integrations, API keys, status, history).
import { render } from "preact";
import { Console } from "../../console/Console.tsx";
import { browserConsoleDeps } from "../../console/deps.ts";
import "../../ui/styles.css";

render(<Console deps={browserConsoleDeps()} />, document.getElementById("app") as HTMLElement);
