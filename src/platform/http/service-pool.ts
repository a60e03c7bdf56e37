import { Readable, type Duplex } from 'node:stream';
import { DecoratorHandler, Dispatcher, Pool } from 'undici';

export interface ServicePoolOptions {
  /** How long an instance that failed is left out before it is tried again (nginx's fail_timeout). */
  ejectMs?: number;
  /** Failures in a row of requests it took that leave an instance out (nginx's max_fails); a refused connection does at once. */
  maxFails?: number;
  /** Longest wait for a connection: past it the instance counts as unreachable. */
  connectTimeoutMs?: number;
  /** Told when an instance is left out, for the logs. */
  onEject?: (origin: string, err: Error) => void;
  now?: () => number;
}

interface Instance {
  origin: string;
  pool: Pool;
  ejectedUntil: number;
  fails: number;
}

type Headers = Record<string, string | string[] | undefined>;

// The instance did not answer: it refused or dropped the connection, or stayed silent too long.
// Anything else (the caller's abort, its body stream failing) says nothing about the instance.
const noAnswer = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How long a failed instance is left out unless said otherwise, like nginx's default fail_timeout. */
export const defaultEjectMs = 10_000;

/**
 * How long a connection stays open unused, whatever the server's keep-alive hint: shorter than a
 * stopping instance's drain delay (5 s as deployed), so the pool closes it first and a request is
 * never written to a connection the instance is closing.
 */
const idleConnectionMs = 4_000;

const codeOf = (err: Error): string => String((err as { code?: unknown }).code ?? '');

/** A body that can go again as it is: none, or bytes held in memory (not a stream read once). */
const replayable = (body: Dispatcher.DispatchOptions['body']): boolean =>
  body == null || typeof body === 'string' || body instanceof Uint8Array;

/** Whether a body is still whole: a stream that nothing has read from yet, or any other body. */
const intact = (body: Dispatcher.DispatchOptions['body']): boolean =>
  !(body instanceof Readable) || (!body.readableDidRead && !body.destroyed);

/** The instances of one service, taken in turn, and which of them are left out until when. */
class Rotation {
  private next = 0;

  constructor(
    private readonly instances: Instance[],
    private readonly options: Required<Pick<ServicePoolOptions, 'ejectMs' | 'maxFails' | 'onEject' | 'now'>>,
  ) {}

  /** The next live instance not in `tried`; when only left-out ones remain, the one due back first. */
  pick(tried: Set<Instance>): Instance | undefined {
    const now = this.options.now();
    let fallback: { instance: Instance; at: number } | undefined;
    for (let i = 0; i < this.instances.length; i += 1) {
      const at = (this.next + i) % this.instances.length;
      const instance = this.instances[at] as Instance;
      if (tried.has(instance)) continue;
      if (instance.ejectedUntil <= now) {
        this.next = at + 1;
        return instance;
      }
      if (!fallback || instance.ejectedUntil < fallback.instance.ejectedUntil) fallback = { instance, at };
    }
    if (fallback) this.next = fallback.at + 1;
    return fallback?.instance;
  }

  answered(instance: Instance): void {
    instance.fails = 0;
    instance.ejectedUntil = 0;
  }

  /** An instance that did not answer; `sent` whether the request had reached it. */
  failed(instance: Instance, err: Error, sent: boolean): void {
    instance.fails += 1;
    if (sent && instance.fails < this.options.maxFails) return;
    const now = this.options.now();
    const wasLive = instance.ejectedUntil <= now;
    instance.fails = 0;
    instance.ejectedUntil = now + this.options.ejectMs;
    if (wasLive) this.options.onEject(instance.origin, err);
  }
}

/**
 * The instances of one service, called as one (`*_URL` with several addresses). Each instance has
 * its own pool of keep-alive connections; requests take the live instances in turn. A request
 * that could not connect goes to the next instance whatever its method, since nothing was sent
 * (a streamed body only while nothing of it was read). One that was sent and then failed before
 * its answer goes to another only when it may be sent twice: GET, HEAD, OPTIONS, or a caller's
 * `idempotent: true`. An instance that refuses a connection, or fails `maxFails` requests in a
 * row, is left out for `ejectMs`; when every instance is left out they are tried anyway, so that a
 * service coming back is found at once. Use it as an undici dispatcher (`request`, or
 * @fastify/reply-from's `undici` option); the request's `origin` is replaced by the instance's.
 */
export class ServicePool extends Dispatcher {
  readonly origins: string[];
  private readonly instances: Instance[];
  private readonly rotation: Rotation;

  constructor(urls: string[], options: ServicePoolOptions = {}) {
    super();
    if (urls.length === 0) throw new Error('a service pool needs at least one address');
    this.origins = urls.map((url) => new URL(url).origin);
    const connect = { timeout: options.connectTimeoutMs ?? 2_000 };
    this.instances = this.origins.map((origin) => ({
      origin,
      pool: new Pool(origin, { connections: 128, connect, keepAliveMaxTimeout: idleConnectionMs }),
      ejectedUntil: 0,
      fails: 0,
    }));
    this.rotation = new Rotation(this.instances, {
      ejectMs: options.ejectMs ?? defaultEjectMs,
      maxFails: options.maxFails ?? 3,
      onEject: options.onEject ?? (() => undefined),
      now: options.now ?? Date.now,
    });
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return new BalancedRequest(this.rotation, options, new DecoratorHandler(handler)).send();
  }

  override async close(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.pool.close()));
  }

  override async destroy(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.pool.destroy()));
  }
}

/** One request through a ServicePool: its attempts, each on another instance. */
class BalancedRequest implements Dispatcher.DispatchHandler {
  private readonly tried = new Set<Instance>();
  private instance: Instance | undefined;
  private started = false;
  private answered = false;

  constructor(
    private readonly rotation: Rotation,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly target: Dispatcher.DispatchHandler,
  ) {}

  send(instance = this.rotation.pick(this.tried)): boolean {
    if (!instance) throw new Error('a service pool always has an instance to try first');
    this.tried.add(instance);
    this.instance = instance;
    this.started = false;
    return instance.pool.dispatch({ ...this.options, origin: instance.origin }, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.started = true;
    this.target.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Headers,
    socket: Duplex,
  ): void {
    this.answered = true;
    this.target.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    this.answered = true;
    if (this.instance) this.rotation.answered(this.instance);
    this.target.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.target.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void {
    this.target.onResponseEnd?.(controller, trailers);
  }

  // Before the request started there is no controller: undici reports a failed connection without one.
  onResponseError(controller: Dispatcher.DispatchController | undefined, err: Error): void {
    const instance = this.instance;
    if (instance && !this.answered && !controller?.aborted && noAnswer.has(codeOf(err))) {
      this.rotation.failed(instance, err, this.started);
      const mayGoAgain = this.started
        ? replayable(this.options.body) &&
          (this.options.idempotent === true || idempotentMethods.has(this.options.method))
        : intact(this.options.body);
      const next = mayGoAgain ? this.rotation.pick(this.tried) : undefined;
      if (next) {
        this.send(next);
        return;
      }
    }
    this.target.onResponseError?.(controller as Dispatcher.DispatchController, err);
  }
}
