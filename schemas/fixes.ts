// Values that mean yes or no, read once for both ends: the core suggests `true` for "yes" in a
// boolean field (and the option meaning yes in a yes/no-like enum), and the extension's mapping
// reads boolean columns with the same spellings.

/** Spellings of a boolean (lower-cased): true/false, yes/no, y/n, t/f, 1/0, on/off. */
export const BOOLEAN_SPELLINGS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  y: true,
  n: false,
  t: true,
  f: false,
  "1": true,
  "0": false,
  on: true,
  off: false,
};

/** Enum options that stand for yes and no (squashed: lower case, no spaces, `_` or `-`). */
const YES_NO_OPTIONS: Readonly<Record<string, boolean>> = {
  enrolled: true,
  notenrolled: false,
  unenrolled: false,
  enabled: true,
  disabled: false,
  active: true,
  inactive: false,
  registered: true,
  notregistered: false,
  configured: true,
  notconfigured: false,
};

const squash = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "");

/** The boolean a text spells (" Yes " -> true), or undefined. */
export function booleanSpelling(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  return Object.hasOwn(BOOLEAN_SPELLINGS, lower) ? BOOLEAN_SPELLINGS[lower] : undefined;
}

/**
 * For an enum whose options read as yes and no (YES/NO, TRUE/FALSE, ENROLLED/NOT ENROLLED): the
 * option a boolean spelling means; undefined when the options are not a yes/no pair.
 */
export function enumOptionForBoolean(text: string, options: readonly unknown[]): string | undefined {
  const wanted = booleanSpelling(text);
  if (wanted === undefined) return undefined;
  let yes: string | undefined;
  let no: string | undefined;
  for (const option of options) {
    if (typeof option !== "string") continue;
    const s = squash(option);
    const meaning = Object.hasOwn(BOOLEAN_SPELLINGS, s)
      ? BOOLEAN_SPELLINGS[s]
      : Object.hasOwn(YES_NO_OPTIONS, s)
        ? YES_NO_OPTIONS[s]
        : undefined;
    if (meaning === true) yes ??= option;
    else if (meaning === false) no ??= option;
  }
  if (yes === undefined || no === undefined) return undefined;
  return wanted ? yes : no;
}
