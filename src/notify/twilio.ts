import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { TwilioConfig } from '../config';

type RequestOptions<T> = RequestClient.RequestOptions<T>;

/** Sends one SMS; resolves with Twilio's message SID. */
export interface SmsSender {
  send(to: string, body: string): Promise<string>;
}

/** Places one call that plays the given TwiML; resolves with Twilio's call SID. */
export interface VoiceCaller {
  call(to: string, twiml: string): Promise<string>;
}

/**
 * Twilio's request client with every URL moved onto another base (a proxy, or a loopback server that
 * speaks Twilio's REST API in tests). The SDK builds absolute https://api.twilio.com URLs itself.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }

  override request<TData>(opts: RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: String(opts.uri).replace(/^https:\/\/[^/]+/, this.base) });
  }
}

/** SMS and voice over the twilio SDK. */
export function createTwilioSenders(cfg: TwilioConfig): { sms: SmsSender; voice: VoiceCaller } {
  const client = twilio(cfg.accountSid, cfg.authToken, cfg.apiBase ? { httpClient: new RebasedRequestClient(cfg.apiBase) } : {});
  const sender = cfg.messagingServiceSid ? { messagingServiceSid: cfg.messagingServiceSid } : { from: cfg.from! };
  return {
    sms: {
      async send(to, body) {
        return (await client.messages.create({ to, body, ...sender })).sid;
      },
    },
    voice: {
      async call(to, twiml) {
        // A messaging service cannot place calls: a survey call needs a number of our own.
        if (!cfg.from) throw Object.assign(new Error('TWILIO_FROM is not set: no number to call from'), { permanent: true });
        return (await client.calls.create({ to, from: cfg.from, twiml })).sid;
      },
    },
  };
}
