import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per message: a retried send carries the same Message-ID, so mail systems can drop the copy. */
  messageId: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** A nodemailer SMTP transport (SMTP_URL, e.g. smtp://user:pass@mail.example.com:587). */
export function createMailer(smtpUrl: string, from: string): Mailer {
  // Bounded waits: a send must finish well inside the outbox's stale-claim window (STALE_CLAIM_MS), or a
  // slow server could see the relay take the message over and send it a second time.
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 });
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
    },
    close: () => transport.close(),
  };
}
