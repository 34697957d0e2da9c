/**
 * Polls `check` until it returns a value (not undefined) or the time runs out. The default is generous
 * because a passing check returns at once: the limit only decides how long a broken one takes to fail,
 * and on a loaded CI machine triage's first sentence-encoder call alone has taken over 15 s.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 40_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
