import { randomUUID } from 'node:crypto';
import { access, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailMessage, Mailer, SentMail } from './mailer.js';
import { composeMime } from './mime-message.js';

export interface FileMailerOptions {
  dir: string;
  from: string;
}

/** Writes each email as an RFC 5322 .eml file that any mail client opens. */
export class FileMailer implements Mailer {
  readonly kind = 'file';
  constructor(private readonly options: FileMailerOptions) {}

  async send(message: MailMessage): Promise<SentMail> {
    const now = new Date();
    const { raw, messageId } = composeMime(this.options.from, message, now);
    const name = `${now.toISOString().replace(/[:.]/g, '-')}-${fileSafe(messageId)}.eml`;
    // Whoever watches the directory must never see half a message: write aside, then rename.
    const temp = join(this.options.dir, `.${name}.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, raw).catch(async (err: NodeJS.ErrnoException) => {
        // The directory is made when first needed (or again, if someone removed it), not on every send.
        if (err.code !== 'ENOENT') throw err;
        await mkdir(this.options.dir, { recursive: true });
        await writeFile(temp, raw);
      });
      await rename(temp, join(this.options.dir, name));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { messageId };
  }

  async ping(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    await access(this.options.dir, constants.W_OK);
  }

  async close(): Promise<void> {
    // Each send finishes its own file; nothing stays open between them.
  }
}

function fileSafe(messageId: string): string {
  return messageId.replace(/^<|>$/g, '').replace(/[^\w.@-]/g, '_').slice(0, 100);
}
