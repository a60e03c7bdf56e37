import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/** A real SMTP server on a free port that keeps every accepted message and can refuse the next ones. */
export async function startSmtpSink() {
  const received: ParsedMail[] = [];
  const sink = { refuseNext: 0, refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (sink.refuseNext > 0) {
            sink.refuseNext -= 1;
            sink.refused += 1;
            callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
            return;
          }
          received.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(sink, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (address: string) =>
      received.filter((m) => [m.to ?? []].flat().some((t) => t.value.some((v) => v.address === address))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
