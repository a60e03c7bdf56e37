import {
  claimDueNotifications,
  markFailedAttempt,
  markSent,
  type ClaimedNotification,
} from '../data/notification-repository.js';
import { render } from '../templates/templates.js';
import { afterFailedSend, messageIdFor } from './notification.js';
import type { NotificationsContext } from './notifications-context.js';

/** Long enough for any SMTP conversation; a crashed sender's emails wait this long. */
const leaseMs = 60_000;
const batchSize = 20;

type Result = { id: string; to: string } | { id: string; attempts: number; error: string };

/**
 * One round of the sender, safe with any number of instances: lease the due emails (one
 * statement), send them with no transaction open, then record every outcome in one transaction.
 * A failed send stays pending and is retried later; it is never dropped.
 * Returns how many notifications it handled.
 */
export async function sendDueNotifications(ctx: NotificationsContext): Promise<number> {
  const claimed = await claimDueNotifications(ctx.db, ctx.clock.now(), leaseMs, batchSize);
  if (claimed.length === 0) return 0;
  const results = await Promise.all(claimed.map((n) => send(ctx, n)));
  const now = ctx.clock.now();
  const sent = results.flatMap((r) => ('to' in r ? [r] : []));
  const failed = results.flatMap((r) => ('error' in r ? [r] : []));
  // All sent, the usual case: one statement, no transaction around it.
  if (failed.length === 0) {
    await markSent(ctx.db, sent, now);
    return claimed.length;
  }
  await ctx.db.transaction().execute(async (trx) => {
    await markSent(trx, sent, now);
    for (const r of failed) {
      const next = afterFailedSend(r.attempts, now, ctx.delivery);
      await markFailedAttempt(trx, r.id, { ...next, error: r.error });
      if (next.status === 'pending') ctx.work.expectAt(next.nextAttemptAt);
    }
  });
  return claimed.length;
}

async function send(ctx: NotificationsContext, n: ClaimedNotification): Promise<Result> {
  if (n.recipient_email === null || n.recipient_name === null) {
    // The order event overtook the user's registration: wait for it rather than drop the email.
    return { id: n.id, attempts: n.attempts, error: 'recipient not known yet' };
  }
  const recipient = { email: n.recipient_email, name: n.recipient_name };
  try {
    const email = render(n.template, n.data, recipient);
    await ctx.mailer.send({
      to: recipient.email,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: messageIdFor(n.id, ctx.from),
      headers: { 'X-Emporium-Notification': n.id, 'X-Emporium-Template': n.template },
    });
    return { id: n.id, to: recipient.email };
  } catch (err) {
    ctx.logger.warn(
      { err, notificationId: n.id, attempt: n.attempts + 1 },
      'sending an email failed; it will be retried',
    );
    return { id: n.id, attempts: n.attempts, error: err instanceof Error ? err.message.slice(0, 500) : String(err) };
  }
}
