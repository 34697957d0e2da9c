import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createMailer, type Mailer } from '../../src/notify/mailer';

export interface SmtpSink {
  mailer: Mailer;
  /** Every message the server accepted: its envelope recipients and the raw RFC 5322 text. */
  received: Array<{ to: string[]; raw: string }>;
  close(): Promise<void>;
}

/** A real SMTP server on loopback (what nodemailer speaks to in production, minus the internet) and a mailer pointed at it. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: SmtpSink['received'] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const mailer = createMailer(`smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, 'Complaint desk <complaints@example.com>');
  return {
    mailer,
    received,
    async close() {
      mailer.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
