/**
 * The mailer port: .eml files under the data directory (one process, development) or SMTP.
 * Both adapters pass the same contract suite (mailer.contract.ts). The sender is fixed when the
 * mailer is created.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Message-ID without or with angle brackets; generated when missing. */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  /** The Message-ID header as sent, angle brackets included. */
  messageId: string;
}

export interface Mailer {
  readonly kind: 'file' | 'smtp';
  send(message: MailMessage): Promise<SentMail>;
  ping(): Promise<void>;
  /** Waits for messages being sent, then releases connections. */
  close(): Promise<void>;
}

/** The Message-ID header form of an id, as both adapters send and return it. */
export function angleBracketed(messageId: string): string {
  return messageId.startsWith('<') && messageId.endsWith('>') ? messageId : `<${messageId.replace(/^<|>$/g, '')}>`;
}
