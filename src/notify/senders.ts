import type { Config } from '../config';
import type { Senders } from './deliver';
import { createMailer } from './mailer';
import { createTwilioSenders } from './twilio';

/** The senders the configuration provides: SMTP for email, Twilio for SMS and survey calls. */
export function createSenders(config: Pick<Config, 'mail' | 'twilio'>): Senders {
  const twilio = config.twilio ? createTwilioSenders(config.twilio) : undefined;
  return {
    email: config.mail.smtpUrl ? createMailer(config.mail.smtpUrl, config.mail.from) : undefined,
    sms: twilio?.sms,
    voice: twilio?.voice,
  };
}
