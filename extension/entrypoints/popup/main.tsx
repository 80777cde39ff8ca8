// Popup entrypoint: the quick path through the upload flow.
// The design system first: each wing's own CSS, imported by its components, comes after it.
import "../../ui/styles.css";

import { render } from "preact";
import { browserDeps } from "../../flow/deps.ts";
import { UploadFlow } from "../../flow/UploadFlow.tsx";

render(<UploadFlow deps={browserDeps("popup")} />, document.getElementById("app") as HTMLElement);
