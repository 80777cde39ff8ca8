// Side panel entrypoint: the same flow, staying open while the admin works in their console.
import { render } from "preact";
import { browserDeps } from "../../flow/deps.ts";
import { UploadFlow } from "../../flow/UploadFlow.tsx";
import "../../ui/styles.css";

render(<UploadFlow deps={browserDeps("sidepanel")} />, document.getElementById("app") as HTMLElement);
