// The page's one polite live region: progress and results are announced through it (banners show
// them; this says them once). Mount <LiveRegion /> once per page, call announce().
import { useEffect, useState } from "preact/hooks";

type Listener = (message: string) => void;
const listeners = new Set<Listener>();

/** Says `message` through the page's live region (nothing happens when none is mounted). */
export function announce(message: string): void {
  for (const listener of listeners) listener(message);
}

export function LiveRegion() {
  const [message, setMessage] = useState("");
  useEffect(() => {
    // The same text twice in a row is still announced: clear, then set on the next frame.
    const listener: Listener = (next) => {
      setMessage("");
      setTimeout(() => setMessage(next), 50);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return (
    <div class="sr-only" aria-live="polite" aria-atomic="true" data-live-region="">
      {message}
    </div>
  );
}
