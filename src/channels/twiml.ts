import twilio from 'twilio';

type Lang = 'en' | 'zh';
const SAY = { en: 'en-US', zh: 'cmn-CN' } as const;
const HEAR = { en: 'en-US', zh: 'cmn-Hans-CN' } as const;

const TEXT = {
  greeting: { en: 'Thank you for calling. Please tell us about your complaint after the tone, then stay on the line.', zh: '感谢您的来电。请在提示音后讲述您的投诉内容，讲完后请不要挂机。' },
  notHeard: { en: 'Sorry, we did not hear anything. Please call again or write to us.', zh: '抱歉，我们没有听到您的声音。请再次来电或给我们留言。' },
  recorded: { en: 'Your complaint is registered. Its number is {id}. We will contact you soon. Goodbye.', zh: '您的投诉已登记，编号是 {id}。我们会尽快与您联系。再见。' },
  survey: { en: 'How satisfied are you with how we handled your complaint? Press a key from 1, very unsatisfied, to 5, very satisfied.', zh: '您对我们处理投诉的结果满意吗？请按 1 到 5 键打分，1 表示非常不满意，5 表示非常满意。' },
  thanks: { en: 'Thank you for your rating. Goodbye.', zh: '感谢您的评分。再见。' },
  badDigit: { en: 'Please press a key from 1 to 5.', zh: '请按 1 到 5 之间的数字键。' },
} as const;

/** Spells a complaint id out character by character, so a text-to-speech voice reads it clearly. */
const spell = (id: string): string => id.split('').join(' ');

/** Greets the caller in their language and gathers the complaint as speech; the result is posted to `action`. */
export function greetingTwiml(lang: Lang, action: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const g = r.gather({ input: ['speech'], language: HEAR[lang], speechTimeout: 'auto', action, method: 'POST' });
  g.say({ language: SAY[lang] }, TEXT.greeting[lang]);
  r.say({ language: SAY[lang] }, TEXT.notHeard[lang]);
  return r.toString();
}

/** Reads the new complaint's number back and hangs up. */
export function recordedTwiml(lang: Lang, complaintId: string): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say({ language: SAY[lang] }, TEXT.recorded[lang].replace('{id}', spell(complaintId)));
  r.hangup();
  return r.toString();
}

/** Nothing heard: apologise and hang up (no complaint is created from silence). */
export function notHeardTwiml(lang: Lang): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say({ language: SAY[lang] }, TEXT.notHeard[lang]);
  r.hangup();
  return r.toString();
}

/** The survey call: one keypad digit 1–5, posted to `action`; asks once more when nothing is pressed. */
export function surveyCallTwiml(lang: Lang, action: string, retry = false): string {
  const r = new twilio.twiml.VoiceResponse();
  const g = r.gather({ input: ['dtmf'], numDigits: 1, timeout: 10, action, method: 'POST' });
  if (retry) g.say({ language: SAY[lang] }, TEXT.badDigit[lang]);
  g.say({ language: SAY[lang] }, TEXT.survey[lang]);
  r.say({ language: SAY[lang] }, TEXT.thanks[lang]);
  return r.toString();
}

/** Thanks the customer for the score and hangs up. */
export function surveyThanksTwiml(lang: Lang): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say({ language: SAY[lang] }, TEXT.thanks[lang]);
  r.hangup();
  return r.toString();
}

/** An empty messaging response: the acknowledgement goes out as its own SMS from the outbox. */
export function emptyMessagingTwiml(): string {
  return new twilio.twiml.MessagingResponse().toString();
}
