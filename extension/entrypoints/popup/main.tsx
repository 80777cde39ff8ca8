// Popup entrypoint: the quick path through the upload flow.
import { render } from "preact";
import { UploadFlow } from "../../components/UploadFlow.tsx";
import { browserDeps } from "../../flow-deps.ts";
import "../../styles.css";

render(<UploadFlow deps={browserDeps("popup")} />, document.getElementById("app") as HTMLElement);
