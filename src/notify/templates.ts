/**
 * Message templates in English and Chinese. The customer's language picks the template; staff messages
 * follow the complaint's language. Placeholders are {name}; a missing value renders as empty.
 */
export const TEMPLATES = {
  acknowledgement: {
    en: { subject: 'We received your complaint {id}', body: 'Thank you. Your complaint {id} is registered and will be handled promptly.' },
    zh: { subject: '我们已收到您的投诉 {id}', body: '感谢您的反馈。您的投诉 {id} 已登记，我们会尽快处理。' },
  },
  assigned: {
    en: { subject: 'Your complaint {id} is being handled', body: 'Your complaint {id} is now with {handler}, who will contact you.' },
    zh: { subject: '您的投诉 {id} 正在处理中', body: '您的投诉 {id} 已由 {handler} 负责处理，我们会尽快与您联系。' },
  },
  assignment_notice: {
    en: { subject: 'New complaint {id} assigned to you', body: 'Complaint {id} ({category}, {priority}) is assigned to you.\n{summary}\n\n{suggestions}' },
    zh: { subject: '新投诉 {id} 已分配给您', body: '投诉 {id}（{category}，{priority}）已分配给您。\n{summary}\n\n{suggestions}' },
  },
  agent_response: {
    en: { subject: 'Update on your complaint {id}', body: '{text}' },
    zh: { subject: '关于您的投诉 {id} 的回复', body: '{text}' },
  },
  question: {
    en: { subject: 'We need more information about complaint {id}', body: '{text}' },
    zh: { subject: '关于投诉 {id}，我们需要您补充信息', body: '{text}' },
  },
  resolution: {
    en: { subject: 'Your complaint {id} is resolved', body: '{text}' },
    zh: { subject: '您的投诉 {id} 已处理完毕', body: '{text}' },
  },
  survey_invitation: {
    en: { subject: 'How did we do with complaint {id}?', body: 'Please rate our handling from 1 to 5: {link}' },
    zh: { subject: '请评价我们对投诉 {id} 的处理', body: '请为我们的处理打分（1-5 分）：{link}' },
  },
  survey_reminder: {
    en: { subject: 'Reminder: rate our handling of complaint {id}', body: 'We would value your rating from 1 to 5: {link}' },
    zh: { subject: '提醒：请评价投诉 {id} 的处理', body: '期待您的评分（1-5 分）：{link}' },
  },
  sla_warning: {
    en: { subject: 'SLA warning: complaint {id} ({target}) due {dueAt}', body: 'Complaint {id} reaches its {target} deadline at {dueAt}.' },
    zh: { subject: 'SLA 预警：投诉 {id}（{target}）将于 {dueAt} 到期', body: '投诉 {id} 的 {target} 时限为 {dueAt}。' },
  },
  escalation: {
    en: { subject: 'Escalation level {level}: complaint {id}', body: 'Complaint {id} was escalated to level {level}: {reason}' },
    zh: { subject: '升级至 {level} 级：投诉 {id}', body: '投诉 {id} 已升级至 {level} 级：{reason}' },
  },
  reopened: {
    en: { subject: 'Complaint {id} was reopened', body: 'Complaint {id} was reopened: {reason}' },
    zh: { subject: '投诉 {id} 已重新打开', body: '投诉 {id} 已重新打开：{reason}' },
  },
  early_warning: {
    en: { subject: 'Early warning: {summary}', body: '{summary}. Complaints: {complaints}. Acknowledge it on the dashboard (alert {alertId}).' },
    zh: { subject: '预警：{summaryZh}', body: '{summaryZh}。相关投诉：{complaints}。请在看板上确认（预警 {alertId}）。' },
  },
} as const;

export type TemplateName = keyof typeof TEMPLATES;

/** Renders a template in the language (English when the language has no template). */
export function render(name: TemplateName, language: string | null | undefined, vars: Record<string, string | number | undefined>): { subject: string; body: string; language: 'en' | 'zh' } {
  const lang = language === 'zh' ? 'zh' : 'en';
  const t = TEMPLATES[name][lang];
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
  return { subject: fill(t.subject), body: fill(t.body).trimEnd(), language: lang };
}
