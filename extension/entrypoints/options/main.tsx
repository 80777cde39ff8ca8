// Options page: the console (integrations, keys, status, history) arrives in a later issue;
// until then it points to the upload flow.
import { render } from "preact";
import "../../styles.css";

render(
  <section class="step">
    <h1>Intake console</h1>
    <p>
      Integrations, API keys, status and history will be managed here. To upload a file, open the Intake
      popup.
    </p>
  </section>,
  document.getElementById("app") as HTMLElement,
);
