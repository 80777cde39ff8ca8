// Side panel entrypoint: the same flow, staying open while the admin works in their console.
import { render } from "preact";
import { UploadFlow } from "../../components/UploadFlow.tsx";
import { browserDeps } from "../../flow-deps.ts";
import "../../styles.css";

render(<UploadFlow deps={browserDeps("sidepanel")} />, document.getElementById("app") as HTMLElement);
