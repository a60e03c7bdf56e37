import { randomUUID } from 'node:crypto';
import { access, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailMessage, Mailer, SentMail } from './mailer.js';
import { composeMime } from './mime-message.js';

export interface FileMailerOptions {
  dir: string;
  from: string;
}

/**
 * Writes each email as an RFC 5322 .eml file, named `<time>-<message id>.eml`, that any mail
 * client opens: the mailer of one process, for development and small shops.
 */
export class FileMailer implements Mailer {
  readonly kind = 'file';
  private readonly writing = new Set<Promise<SentMail>>();
  private closed = false;

  constructor(private readonly options: FileMailerOptions) {}

  send(message: MailMessage): Promise<SentMail> {
    if (this.closed) return Promise.reject(new Error('the file mailer is closed'));
    const written = this.write(message, new Date());
    this.writing.add(written);
    void written.finally(() => this.writing.delete(written)).catch(() => undefined);
    return written;
  }

  async ping(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    await access(this.options.dir, constants.W_OK);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.writing);
  }

  private async write(message: MailMessage, now: Date): Promise<SentMail> {
    const { dir } = this.options;
    const { raw, messageId } = composeMime(this.options.from, message, now);
    const name = `${now.toISOString().replace(/[:.]/g, '-')}-${fileSafe(messageId)}.eml`;
    // Whoever watches the directory must never see half a message: write aside, then rename.
    const temp = join(dir, `.${name}.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, raw).catch(async (err: NodeJS.ErrnoException) => {
        // The directory is made when first needed (or again, if someone removed it), not on every send.
        if (err.code !== 'ENOENT') throw err;
        await mkdir(dir, { recursive: true });
        await writeFile(temp, raw);
      });
      await rename(temp, join(dir, name));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { messageId };
  }
}

function fileSafe(messageId: string): string {
  return messageId
    .replace(/^<|>$/g, '')
    .replace(/[^\w.@-]/g, '_')
    .slice(0, 100);
}
