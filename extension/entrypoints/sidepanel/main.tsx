// Side panel entrypoint: the same flow, staying open while the admin works in their console.
// The design system first: each wing's own CSS, imported by its components, comes after it.
import "../../ui/styles.css";

import { render } from "preact";
import { browserDeps } from "../../flow/deps.ts";
import { UploadFlow } from "../../flow/UploadFlow.tsx";

render(<UploadFlow deps={browserDeps("sidepanel")} />, document.getElementById("app") as HTMLElement);
