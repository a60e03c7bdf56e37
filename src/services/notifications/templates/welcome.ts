import { html, layout, type Email, type Recipient } from './email-parts.js';

export const welcomeSubject = (): string => 'Welcome to Emporium';

export function welcomeEmail(recipient: Recipient): Email {
  return {
    subject: welcomeSubject(),
    ...layout(
      recipient,
      [`Your Emporium account for ${recipient.email} is ready. Sign in any time to shop and follow your orders.`],
      html`<p>
        Your Emporium account for <strong>${recipient.email}</strong> is ready. Sign in any time to shop and follow your
        orders.
      </p>`,
    ),
  };
}
