/**
 * A local SMTP server that prints every message it receives: point SMTP_URL at it to see what the
 * service sends, without a mail provider.
 *
 *   npm run mail:catch            # listens on 127.0.0.1:1025
 *   SMTP_URL=smtp://127.0.0.1:1025 npm start
 */
import { parseArgs } from 'node:util';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const { values } = parseArgs({ options: { port: { type: 'string', default: '1025' }, host: { type: 'string', default: '127.0.0.1' } } });

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    void simpleParser(stream).then((mail) => {
      const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
      console.log(`\n── ${new Date().toISOString()} to ${to}\nSubject: ${mail.subject ?? ''}\nMessage-ID: ${mail.messageId ?? ''}\n\n${(mail.text ?? '').trim()}`);
      callback();
    }, callback);
  },
});
server.listen(Number(values.port), values.host, () => console.log(`mail catcher on smtp://${values.host}:${values.port} (Ctrl-C to stop)`));
process.on('SIGINT', () => server.close(() => process.exit(0)));
