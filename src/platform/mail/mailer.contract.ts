import type { ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mailer } from './mailer.js';

export const contractSender = 'Emporium <shop@emporium.test>';

/** A mailer under test and a way to read back, parsed, every message it delivered. */
export interface MailerHarness {
  mailer: Mailer;
  delivered(): Promise<ParsedMail[]>;
  dispose(): Promise<void>;
}

/** The behaviour every Mailer adapter must show; the harness's mailer sends as `contractSender`. */
export function mailerContract(name: string, factory: () => Promise<MailerHarness>): void {
  describe(`Mailer contract: ${name}`, () => {
    let harness: MailerHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.mailer.close();
      await harness.dispose();
    });

    it('answers ping', async () => {
      await expect(harness.mailer.ping()).resolves.toBeUndefined();
    });

    it('delivers sender, recipient, subject, text and html intact', async () => {
      const sent = await harness.mailer.send({
        to: 'Ada Buyer <ada@example.test>',
        subject: 'Your order #1042 — confirmed ✓',
        text: 'Grüße!\nTotal: 12,50 €\n',
        html: '<p>Grüße! <b>Total: 12,50 €</b></p>',
      });
      const [mail, ...others] = await harness.delivered();
      expect(others).toHaveLength(0);
      expect(mail?.from?.value).toEqual([{ address: 'shop@emporium.test', name: 'Emporium' }]);
      expect(mail?.to).toMatchObject({ value: [{ address: 'ada@example.test', name: 'Ada Buyer' }] });
      expect(mail?.subject).toBe('Your order #1042 — confirmed ✓');
      expect(mail?.text).toBe('Grüße!\nTotal: 12,50 €\n');
      expect(mail?.html).toBe('<p>Grüße! <b>Total: 12,50 €</b></p>');
      expect(mail?.messageId).toBe(sent.messageId);
      expect(sent.messageId).toMatch(/^<.+@.+>$/);
    });

    it('keeps a given message id and extra headers', async () => {
      const sent = await harness.mailer.send({
        to: 'ada@example.test',
        subject: 's',
        text: 't',
        html: '<p>t</p>',
        messageId: 'order-placed.42@emporium.test',
        headers: { 'X-Emporium-Event': 'order.placed', 'List-Unsubscribe': '<https://emporium.test/unsubscribe>' },
      });
      expect(sent.messageId).toBe('<order-placed.42@emporium.test>');
      const [mail] = await harness.delivered();
      expect(mail?.messageId).toBe('<order-placed.42@emporium.test>');
      expect(mail?.headers.get('x-emporium-event')).toBe('order.placed');
      expect(mail?.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toBe(
        'List-Unsubscribe: <https://emporium.test/unsubscribe>',
      );
    });

    it('delivers concurrent sends once each', async () => {
      const sent = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          harness.mailer.send({ to: `u${i}@example.test`, subject: `n${i}`, text: `${i}`, html: `<i>${i}</i>` }),
        ),
      );
      const mails = await harness.delivered();
      expect(mails.map((m) => m.messageId).sort()).toEqual(sent.map((s) => s.messageId).sort());
      expect(new Set(mails.map((m) => m.subject))).toEqual(new Set(sent.map((_, i) => `n${i}`)));
    });
  });
}
