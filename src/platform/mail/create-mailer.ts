import { FileMailer } from './file-mailer.js';
import type { Mailer } from './mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

export interface CreateMailerOptions {
  smtpUrl?: string | undefined;
  /** Where the file mailer writes .eml files when no SMTP URL is set. */
  mailDir: string;
  from: string;
}

/** SMTP when a URL is configured, .eml files otherwise. */
export function createMailer(options: CreateMailerOptions): Mailer {
  return options.smtpUrl
    ? new SmtpMailer({ url: options.smtpUrl, from: options.from })
    : new FileMailer({ dir: options.mailDir, from: options.from });
}
