// Popup entrypoint: the quick path through the upload flow.
import { render } from "preact";
import { browserDeps } from "../../flow/deps.ts";
import { UploadFlow } from "../../flow/UploadFlow.tsx";
import "../../ui/styles.css";

render(<UploadFlow deps={browserDeps("popup")} />, document.getElementById("app") as HTMLElement);
