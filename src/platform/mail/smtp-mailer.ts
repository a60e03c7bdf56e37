import { createTransport } from 'nodemailer';
import type { MailMessage, Mailer, SentMail } from './mailer.js';
import { composeMime } from './mime-message.js';

export interface SmtpMailerOptions {
  /** smtp:// or smtps://; options in the query string (`?requireTLS=true`) win over the defaults here. */
  url: string;
  from: string;
}

/** Sends through an SMTP server over a small pool of reused connections. */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp';
  private readonly transport;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: SmtpMailerOptions) {
    const url = new URL(options.url);
    this.transport = createTransport({
      url: options.url,
      pool: true,
      // Plain local sinks (smtp:// without a login) may offer STARTTLS with a certificate nobody
      // trusts. With a login, STARTTLS is still taken when offered so a password is never sent in clear.
      ignoreTLS: url.protocol === 'smtp:' && !url.username,
      // nodemailer waits minutes by default; a readiness check and a request should not.
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const { raw, envelope, messageId } = composeMime(this.options.from, message);
    const sending = this.transport.sendMail({ envelope, raw });
    this.inFlight.add(sending);
    try {
      await sending;
      return { messageId };
    } finally {
      this.inFlight.delete(sending);
    }
  }

  async ping(): Promise<void> {
    await this.transport.verify();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    this.transport.close();
  }
}
