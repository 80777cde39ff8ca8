// Line breaks as files have them: "\r\n" (Windows), "\n" (Unix) and a lone "\r" (old Mac, some
// exports) each end one line, so source lines are right whatever wrote the file.

/** The lines of a text; every kind of line break ends one line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The text with every line break as "\n" (a no-op, without copying, when it holds no "\r"). */
export function toLf(text: string): string {
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}
