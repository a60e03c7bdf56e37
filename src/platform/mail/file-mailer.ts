import { randomUUID } from 'node:crypto';
import { access, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { angleBracketed, type MailMessage, type Mailer, type SentMail } from './mailer.js';

export interface FileMailerOptions {
  dir: string;
  from: string;
}

/** Writes each email as an RFC 5322 .eml file that any mail client opens. */
export class FileMailer implements Mailer {
  readonly kind = 'file';
  // RFC 5322 lines end in CRLF; nodemailer's stream transport defaults to LF.
  private readonly transport = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  constructor(private readonly options: FileMailerOptions) {}

  async send(message: MailMessage): Promise<SentMail> {
    const info = await this.transport.sendMail({
      from: this.options.from,
      ...message,
      messageId: message.messageId === undefined ? undefined : angleBracketed(message.messageId),
    });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${fileSafe(info.messageId)}.eml`;
    // Whoever watches the directory must never see half a message: write aside, then rename.
    const temp = join(this.options.dir, `.${name}.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, info.message as Buffer).catch(async (err: NodeJS.ErrnoException) => {
        // The directory is made when first needed (or again, if someone removed it), not on every send.
        if (err.code !== 'ENOENT') throw err;
        await mkdir(this.options.dir, { recursive: true });
        await writeFile(temp, info.message as Buffer);
      });
      await rename(temp, join(this.options.dir, name));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { messageId: info.messageId };
  }

  async ping(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    await access(this.options.dir, constants.W_OK);
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

function fileSafe(messageId: string): string {
  return messageId.replace(/^<|>$/g, '').replace(/[^\w.@-]/g, '_').slice(0, 100);
}
