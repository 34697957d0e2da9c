/**
 * Runs `pass` every `intervalMs` until stopped, one pass at a time (a slow pass delays the next rather
 * than overlapping it). A failed pass (database down) goes to `onError` and is simply tried again on
 * the next tick. The timer does not keep the process alive.
 */
export function every(intervalMs: number, pass: () => Promise<unknown>, onError: (err: unknown) => void = () => undefined): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(pass).catch(onError);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
