// Popup entrypoint: mounts the upload flow.
import { render } from "preact";

render(<main>Intake</main>, document.getElementById("app") as HTMLElement);
