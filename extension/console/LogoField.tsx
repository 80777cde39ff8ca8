// Logo: an avatar colour, or a PNG/JPEG/WebP image of at most 5 KB checked here, before upload.
import { useState } from "preact/hooks";
import { checkLogoFile } from "./logo-file.ts";

interface Props {
  value: string | null;
  onChange: (logo: string | null) => void;
  /** The Worker's complaint about the logo, if it had one. */
  serverError?: string;
}

export const DEFAULT_COLOUR = "#1f5fbf";

export function LogoField({ value, onChange, serverError }: Props) {
  const [kind, setKind] = useState<"colour" | "image">(value?.startsWith("data:") ? "image" : "colour");
  const [colour, setColour] = useState(value?.startsWith("#") ? value : DEFAULT_COLOUR);
  const [image, setImage] = useState(value?.startsWith("data:") ? value : null);
  const [reason, setReason] = useState<string>();
  const [checking, setChecking] = useState(false);

  async function pick(file: File | undefined) {
    setReason(undefined);
    if (!file) return;
    setChecking(true);
    const check = await checkLogoFile(file);
    setChecking(false);
    if (check.ok) {
      setImage(check.dataUrl);
      onChange(check.dataUrl);
    } else {
      setReason(`${file.name} cannot be used as the logo: ${check.reason}.`);
      setImage(null);
      onChange(null);
    }
  }

  return (
    <fieldset class="fieldset logo-field">
      <legend>Logo</legend>
      <div class="btn-row">
        <label class="radio">
          <input
            type="radio"
            name="logo-kind"
            checked={kind === "colour"}
            onChange={() => {
              setKind("colour");
              setReason(undefined);
              onChange(colour);
            }}
          />
          Avatar colour
        </label>
        <label class="radio">
          <input
            type="radio"
            name="logo-kind"
            checked={kind === "image"}
            onChange={() => {
              setKind("image");
              onChange(image);
            }}
          />
          Image
        </label>
      </div>
      {kind === "colour" ? (
        <label class="colour-field">
          Colour
          <input
            type="color"
            value={colour}
            onInput={(e) => {
              setColour(e.currentTarget.value);
              onChange(e.currentTarget.value);
            }}
          />
          <code>{colour}</code>
        </label>
      ) : (
        <>
          <label class="field">
            <span class="field-label">Logo image (PNG, JPEG or WebP, at most 5 KB)</span>
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp"
              aria-describedby={reason || serverError ? "logo-reason" : undefined}
              onChange={(e) => pick(e.currentTarget.files?.[0])}
            />
          </label>
          {image && (
            <p class="identity">
              <img class="avatar" src={image} alt="Logo preview" width={40} height={40} />
              <span class="muted">Checked: this image will be accepted.</span>
            </p>
          )}
          {checking && <p role="status">Checking the image…</p>}
        </>
      )}
      {(reason || serverError) && (
        <p id="logo-reason" role="alert" class="field-error">
          {reason ?? `The Worker refused the logo: ${serverError}`}
        </p>
      )}
    </fieldset>
  );
}
