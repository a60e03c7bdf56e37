import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { MailMessage } from './mailer.js';
import { composeMime } from './mime-message.js';

/** What the file mailer hands its writer thread: every message sent in one event-loop turn. */
export interface WriteBatch {
  dir: string;
  from: string;
  messages: { id: number; message: MailMessage; at: number }[];
}

export type WriteResult = { id: number; messageId: string } | { id: number; error: string; code?: string };

/** Composes one message and writes it as `<time>-<message id>.eml`, never visible half-written. */
export function writeEml(dir: string, from: string, message: MailMessage, now: Date): string {
  const { raw, messageId } = composeMime(from, message, now);
  const name = `${now.toISOString().replace(/[:.]/g, '-')}-${fileSafe(messageId)}.eml`;
  // Whoever watches the directory must never see half a message: write aside, then rename.
  const temp = join(dir, `.${name}.${randomUUID()}.tmp`);
  try {
    try {
      writeFileSync(temp, raw);
    } catch (err) {
      // The directory is made when first needed (or again, if someone removed it), not on every send.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dir, { recursive: true });
      writeFileSync(temp, raw);
    }
    renameSync(temp, join(dir, name));
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return messageId;
}

function fileSafe(messageId: string): string {
  return messageId.replace(/^<|>$/g, '').replace(/[^\w.@-]/g, '_').slice(0, 100);
}

function writeBatch(batch: WriteBatch): WriteResult[] {
  return batch.messages.map(({ id, message, at }) => {
    try {
      return { id, messageId: writeEml(batch.dir, batch.from, message, new Date(at)) };
    } catch (err) {
      const { message: error, code } = err as NodeJS.ErrnoException;
      return code ? { id, error, code } : { id, error };
    }
  });
}

parentPort?.on('message', (batch: WriteBatch) => parentPort?.postMessage(writeBatch(batch)));
