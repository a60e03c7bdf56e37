import type { RawResponse } from '../raw-http.js';

/** Why an answer breaks the error contract of API.md, if it does: never a 5xx, every 4xx a problem with its code and status. */
export function errorContractFault(method: string, response: RawResponse): string | undefined {
  if (response.status >= 500) return 'a 5xx answer';
  if (response.status < 400) return undefined;
  if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? ''))
    return 'a 4xx answer that is not application/problem+json';
  // A HEAD answer has the headers of the GET answer and no body.
  if (method === 'HEAD') return undefined;
  let problem: { code?: unknown; status?: unknown };
  try {
    problem = JSON.parse(response.body) as typeof problem;
  } catch {
    return 'a problem+json answer whose body is not JSON';
  }
  if (typeof problem.code !== 'string') return 'a problem without a code';
  if (problem.status !== response.status) return `a problem whose status ${String(problem.status)} is not the answer's`;
  return undefined;
}

/**
 * What the rate limiter must have counted. A request from an address used once must leave
 * `limit - 1`; a signed-in user's must leave one less than the user's previous answer. Requests
 * of that user which came back without RateLimit headers (not routed to the API) may or may not
 * have counted, so they widen the range by one each.
 */
export function rateLimitLedger(limit: number) {
  const users = new Map<string, { remaining: number; unseen: number }>();
  return {
    /** `user` is whom a well-formed bearer token names; undefined for an address used once. */
    check(user: string | undefined, response: RawResponse, routedToApi: boolean): string | undefined {
      const header = response.headers['ratelimit-remaining'];
      const known = user ? users.get(user) : undefined;
      if (user && header !== undefined) users.set(user, { remaining: Number(header), unseen: 0 });
      else if (user && known) users.set(user, { ...known, unseen: known.unseen + 1 });
      if (!routedToApi) return undefined;
      if (header === undefined)
        return 'an answer from an API route without RateLimit headers: the limiter did not count it';
      // Over the limit is always a right answer; a user's first request has nothing to compare with.
      if (response.status === 429 || (user && !known)) return undefined;
      const [low, high] = known ? [known.remaining - 1 - known.unseen, known.remaining - 1] : [limit - 1, limit - 1];
      const remaining = Number(header);
      if (remaining >= low && remaining <= high) return undefined;
      return `RateLimit-Remaining ${remaining}, expected ${low === high ? low : `${low}..${high}`}: the request was not counted once against its sender`;
    },
    /** For requests sent outside the ledger's view. */
    forget(user: string): void {
      users.delete(user);
    },
  };
}
