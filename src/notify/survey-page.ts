/**
 * The survey as a small bilingual page: five buttons and an optional comment, posted as a plain form,
 * so it works from any mail client's browser without scripts.
 */
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const TEXT = {
  title: { en: 'How did we do?', zh: '请评价我们的处理' },
  question: {
    en: 'How satisfied are you with how we handled complaint {id}? (1 = very unsatisfied, 5 = very satisfied)',
    zh: '您对我们处理投诉 {id} 的结果满意吗？（1 = 非常不满意，5 = 非常满意）',
  },
  comment: { en: 'Anything to add? (optional)', zh: '还有什么想告诉我们的吗？（选填）' },
  answered: { en: 'This survey has already been answered. Thank you.', zh: '此问卷已提交，感谢您的反馈。' },
  expired: { en: 'This survey has expired.', zh: '此问卷已过期。' },
  thanks: { en: 'Thank you for your rating.', zh: '感谢您的评分。' },
} as const;

type Lang = 'en' | 'zh';
const order = (lang: Lang): Lang[] => (lang === 'zh' ? ['zh', 'en'] : ['en', 'zh']);
const both = (key: keyof typeof TEXT, lang: Lang, id = ''): string => order(lang).map((l) => `<p lang="${l}">${esc(TEXT[key][l].replace('{id}', id))}</p>`).join('\n');

function shell(lang: Lang, body: string): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(order(lang).map((l) => TEXT.title[l]).join(' · '))}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.scores{display:flex;gap:.5rem;margin:1rem 0}.scores button{flex:1;font-size:1.4rem;padding:.6rem 0;cursor:pointer}
textarea{width:100%;min-height:5rem}</style></head>
<body><h1>${esc(order(lang).map((l) => TEXT.title[l]).join(' · '))}</h1>
${body}
</body></html>`;
}

/** The question with its form; `status` other than pending shows why it cannot be answered. */
export function surveyPage(complaintId: string, lang: Lang, status: 'pending' | 'answered' | 'expired'): string {
  if (status !== 'pending') return shell(lang, both(status, lang));
  const buttons = [1, 2, 3, 4, 5].map((n) => `<button type="submit" name="score" value="${n}">${n}</button>`).join('');
  return shell(
    lang,
    `${both('question', lang, complaintId)}
<form method="post">
<label>${esc(order(lang).map((l) => TEXT.comment[l]).join(' / '))}<br><textarea name="comment" maxlength="2000"></textarea></label>
<div class="scores">${buttons}</div>
</form>`,
  );
}

/** Shown after a form post. */
export const surveyThanksPage = (lang: Lang): string => shell(lang, both('thanks', lang));
