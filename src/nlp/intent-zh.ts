/**
 * Chinese intents by keyword rules. There is no public labelled Chinese complaint-intent set in
 * our data (the Chinese set is product reviews), so a small transparent rule set stands in for a
 * trained model; the labels mirror what a Chinese complaint desk routes on.
 */
export const ZH_INTENT_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  refund: ['退款', '退货', '退钱', '退费', '退换', '换货', '赔偿', '索赔', '赔付', '返还', '退回'],
  delivery: ['物流', '快递', '送货', '发货', '配送', '到货', '签收', '派送', '包裹', '运输', '送到', '没收到', '未收到'],
  quality: ['质量', '坏了', '破损', '损坏', '假货', '次品', '故障', '瑕疵', '做工', '过期', '变质', '不新鲜', '漏水', '有问题', '不能用', '死机', '掉色'],
  billing: ['扣费', '收费', '多收', '扣款', '发票', '账单', '乱收费', '差价', '价保', '降价', '优惠券', '退差', '多扣'],
  service_attitude: ['客服', '态度', '售后', '不理', '推诿', '敷衍', '服务员', '前台', '不回复', '踢皮球', '服务差'],
};

/**
 * Intent label and a rough confidence from keyword hits (0.5 for `other`: no evidence). On a tie
 * the earlier intent wins: what the customer asks for (a refund) before what went wrong.
 */
export function classifyZhIntent(text: string): { label: string; confidence: number } {
  let best = 'other';
  let bestHits = 0;
  let total = 0;
  for (const [label, words] of Object.entries(ZH_INTENT_KEYWORDS)) {
    let hits = 0;
    for (const w of words) if (text.includes(w)) hits++;
    total += hits;
    if (hits > bestHits) {
      best = label;
      bestHits = hits;
    }
  }
  if (bestHits === 0) return { label: 'other', confidence: 0.5 };
  // Share of all hits, discounted when the evidence is a single word.
  const confidence = (bestHits / total) * (bestHits / (bestHits + 0.5));
  return { label: best, confidence: Math.round(confidence * 1000) / 1000 };
}
