import { access, constants, mkdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { WriteBatch, WriteResult } from './file-mail-writer.js';
import type { MailMessage, Mailer, SentMail } from './mailer.js';

export interface FileMailerOptions {
  dir: string;
  from: string;
}

interface Pending {
  resolve: (sent: SentMail) => void;
  reject: (err: Error) => void;
}

// The writer's module sits beside this one: JavaScript in the build (`npm run build`), which the
// thread loads as it is. From the TypeScript sources the thread registers tsx's loader first,
// whether the main thread got it from `--import tsx` or from a test runner.
const fromSources = import.meta.url.endsWith('.ts');
const writerUrl = new URL(`./file-mail-writer.${fromSources ? 'ts' : 'js'}`, import.meta.url);
const startWriter = () => {
  if (!fromSources) return new Worker(writerUrl);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(writerUrl.href)}); });`, { eval: true });
};

/**
 * Writes each email as an RFC 5322 .eml file that any mail client opens. A thread of its own
 * composes and writes them, all the messages of one event-loop turn at a time: the file system's
 * latency never holds up the server, and a busy shop pays one hand-off per batch instead of four
 * thread-pool round trips per file.
 */
export class FileMailer implements Mailer {
  readonly kind = 'file';
  private writer: Worker | null = null;
  private queued: WriteBatch['messages'] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;
  private drained: (() => void) | null = null;

  constructor(private readonly options: FileMailerOptions) {}

  send(message: MailMessage): Promise<SentMail> {
    if (this.closed) return Promise.reject(new Error('the file mailer is closed'));
    const id = this.nextId++;
    if (this.queued.length === 0) setImmediate(() => this.flush());
    this.queued.push({ id, message, at: Date.now() });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  async ping(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    await access(this.options.dir, constants.W_OK);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pending.size > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.writer?.terminate();
    this.writer = null;
  }

  private flush(): void {
    const messages = this.queued;
    this.queued = [];
    const writer = this.writerThread();
    // Only while files are being written does the thread keep the process alive.
    writer.ref();
    writer.postMessage({ dir: this.options.dir, from: this.options.from, messages } satisfies WriteBatch);
  }

  private writerThread(): Worker {
    if (this.writer) return this.writer;
    const writer = startWriter();
    writer.on('message', (results: WriteResult[]) => {
      for (const result of results) this.settle(result.id, (p) => ('error' in result ? p.reject(Object.assign(new Error(result.error), result.code ? { code: result.code } : {})) : p.resolve({ messageId: result.messageId })));
      if (this.pending.size === 0) {
        writer.unref();
        this.drained?.();
      }
    });
    // A writer that died takes its batches with it: they fail, and are retried like any failed send.
    const fail = (err: Error) => {
      if (this.writer === writer) this.writer = null;
      for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(err));
      this.drained?.();
    };
    writer.on('error', fail);
    writer.on('exit', (code) => fail(new Error(`the mail writer thread stopped (exit code ${code})`)));
    this.writer = writer;
    return writer;
  }

  private settle(id: number, how: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    how(pending);
  }
}
