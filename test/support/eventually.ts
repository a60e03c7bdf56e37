/** Polls `probe` every `everyMs` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Polls `read` until it gives the same defined reading twice in a row: a state at rest, with
 * nothing that changed between two readings slipping through one of them.
 */
export async function steady(
  read: () => Promise<string | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 25,
): Promise<void> {
  let previous: string | undefined;
  await eventually(
    async () => {
      const now = await read();
      const same = now !== undefined && now === previous;
      previous = now;
      return same ? true : undefined;
    },
    timeoutMs,
    what,
    everyMs,
  );
}
