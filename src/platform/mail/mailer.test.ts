import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from './create-mailer.js';
import { FileMailer } from './file-mailer.js';
import { contractSender, mailerContract } from './mailer.contract.js';
import { SmtpMailer } from './smtp-mailer.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'emporium-mail-'));

mailerContract('file', async () => {
  const dir = await tempDir();
  return {
    mailer: new FileMailer({ dir, from: contractSender }),
    delivered: async () => {
      const names = (await readdir(dir)).filter((name) => name.endsWith('.eml')).sort();
      return Promise.all(names.map(async (name) => simpleParser(await readFile(join(dir, name)))));
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});

mailerContract('smtp', async () => {
  const sink = await startSmtpSink();
  return {
    mailer: new SmtpMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: contractSender }),
    delivered: async () => sink.received,
    dispose: sink.stop,
  };
});

describe('FileMailer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names files by time and message id, in CRLF, leaving no temporary files', async () => {
    const mailer = new FileMailer({ dir: join(dir, 'new', 'mail'), from: contractSender });
    await mailer.send({ to: 'a@example.test', subject: 's', text: 't', html: 'h', messageId: 'a/b c@x.test' });
    const names = await readdir(join(dir, 'new', 'mail'));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-a_b_c@x\.test\.eml$/);
    const raw = await readFile(join(dir, 'new', 'mail', names[0] ?? ''), 'latin1');
    expect(raw).toContain('\r\n');
    expect(raw.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('ping fails when the directory cannot be created', async () => {
    await writeFile(join(dir, 'a-file'), '');
    const mailer = new FileMailer({ dir: join(dir, 'a-file', 'mail'), from: contractSender });
    await expect(mailer.ping()).rejects.toThrow();
    await expect(mailer.send({ to: 'a@example.test', subject: 's', text: 't', html: 'h' })).rejects.toThrow();
  });
});

describe('SmtpMailer', () => {
  it('ping fails fast when the server is not there', async () => {
    const sink = await startSmtpSink();
    await sink.stop();
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: contractSender });
    await expect(mailer.ping()).rejects.toThrow(/ECONNREFUSED/);
    await mailer.close();
  });

  it('rejects a message the server refuses', async () => {
    const sink = await startSmtpSink({ refuse: 'nobody@example.test' });
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: contractSender });
    try {
      await expect(mailer.send({ to: 'nobody@example.test', subject: 's', text: 't', html: 'h' })).rejects.toThrow(
        /550/,
      );
    } finally {
      await mailer.close();
      await sink.stop();
    }
  });

  it('close waits for a message being sent', async () => {
    const sink = await startSmtpSink();
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: contractSender });
    const sending = mailer.send({ to: 'a@example.test', subject: 'last', text: 't', html: 'h' });
    await mailer.close();
    await expect(sending).resolves.toMatchObject({ messageId: expect.any(String) });
    expect(sink.received.map((m) => m.subject)).toEqual(['last']);
    await sink.stop();
  });
});

describe('createMailer', () => {
  it('picks SMTP when a URL is set and files otherwise', () => {
    expect(createMailer({ mailDir: 'unused', from: contractSender }).kind).toBe('file');
    expect(createMailer({ smtpUrl: 'smtp://127.0.0.1:2525', mailDir: 'unused', from: contractSender }).kind).toBe(
      'smtp',
    );
  });
});

/** A real SMTP server on a free port that keeps every accepted message, parsed. */
async function startSmtpSink(options: { refuse?: string } = {}) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === options.refuse) {
        callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      // Parse before answering 250, so a resolved send means the message is already in `received`.
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
