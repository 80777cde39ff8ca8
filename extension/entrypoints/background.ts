// Background service worker: no top-level side effects outside defineBackground.
export default defineBackground(() => {});
