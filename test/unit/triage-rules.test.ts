import { describe, expect, it } from 'vitest';
import { compileRules, loadTriageRules, type TriageRules } from '../../src/triage/rules';
import { loadTaxonomyFile, type Taxonomy } from '../../src/taxonomy/taxonomy';

const rules = compileRules(loadTriageRules(), loadTaxonomyFile());

describe('keyword triage rules', () => {
  it('matches English keywords as whole words, case-insensitively', () => {
    expect(rules.evaluate('I was CHARGED twice').category?.label).toBe('billing');
    // "billboard" must not match "bill"
    expect(rules.evaluate('I saw it on a billboard').category).toBeUndefined();
  });

  it('matches Chinese keywords as substrings', () => {
    expect(rules.evaluate('快递三天了还没发货').category?.label).toBe('delivery');
    expect(rules.evaluate('收到的商品有质量问题，屏幕坏了').category?.label).toBe('product_quality');
  });

  it('the category with most distinct keyword hits wins', () => {
    const v = rules.evaluate('The package was delivered damaged and broken, defective');
    expect(v.category).toMatchObject({ label: 'product_quality', hits: ['broken', 'defective', 'damaged'] });
  });

  it('threats of legal action or media exposure raise priority to P1, with the reason', () => {
    expect(rules.evaluate('I will contact my lawyer').priority).toMatchObject({ level: 'P1', reason: 'legal_or_media_threat', hits: ['lawyer'] });
    expect(rules.evaluate('再不处理我就打12315投诉，找媒体曝光').priority).toMatchObject({ level: 'P1', hits: ['12315', '媒体', '曝光'] });
  });

  it('the most urgent matching rule wins and every match is a reason; no match leaves the default', () => {
    const v = rules.evaluate('this is a scam and I will sue');
    expect(v.priority?.level).toBe('P1');
    expect(v.matched.map((m) => m.reason)).toEqual(['legal_or_media_threat', 'fraud_or_strong_anger']);
    expect(rules.evaluate('this is a scam').priority?.level).toBe('P2');
    expect(rules.evaluate('hello').priority).toBeUndefined();
    expect(rules.evaluate('hello').defaultPriority).toBe('P3');
  });

  it('keyword characters are literal, not regular expressions', () => {
    const r: TriageRules = { modelCategories: {}, reasonCategories: {}, priority: { default: 'P4', rules: [] } };
    const t: Taxonomy = { fallbackCategory: 'x', categories: [{ id: 'x', name: { en: 'X', zh: 'X' }, department: 'd', description: 'x', examples: ['x'], keywords: ['a.b'] }] };
    expect(compileRules(r, t).evaluate('axb').category).toBeUndefined();
    expect(compileRules(r, t).evaluate('see a.b now').category?.label).toBe('x');
  });

  it('`with` needs a keyword of both lists; `except` phrases are blanked out first', () => {
    const r: TriageRules = {
      modelCategories: {},
      reasonCategories: {},
      priority: { default: 'P4', rules: [{ priority: 'P1', reason: 'r', keywords: ['fire'], with: ['house', '房子'], except: ['fire sale'] }] },
    };
    const c = compileRules(r);
    expect(c.evaluate('fire in the house').priority?.hits).toEqual(['fire', 'house']);
    expect(c.evaluate('fire!').priority).toBeUndefined();
    expect(c.evaluate('a fire sale at the house').priority).toBeUndefined();
    expect(c.evaluate('a fire sale, then a fire at the house').priority?.reason).toBe('r');
  });

  it('a triage-rules file that still lists categories is refused, saying where they went', () => {
    expect(() => compileRules(loadTriageRules(new URL('../fixtures/old-triage-rules.yml', import.meta.url).pathname))).toThrow(/categories: category keywords moved to the taxonomy/);
  });
});

/**
 * The risk rules of issue 19: each fires in English and in Chinese with its reason code and (where the
 * matter is obvious) the taxonomy category, and a near miss in each language does not fire.
 */
const RISK: Array<{ reason: string; level: 'P1' | 'P2'; category?: string; en: string; zh: string; nearEn: string; nearZh: string }> = [
  {
    reason: 'account_takeover',
    level: 'P1',
    category: 'fraud_security',
    en: 'Someone logged into my account from Brazil and changed my password without asking me.',
    zh: '我的账号被盗了，对方改了绑定手机。',
    nearEn: 'I forgot my password and cannot log in to my account.',
    nearZh: '我忘记密码了，账号登录不上。',
  },
  {
    reason: 'unauthorised_transfer',
    level: 'P1',
    category: 'fraud_security',
    en: 'There is a transfer of $2,000 from my savings that I did not authorize.',
    zh: '卡在我身上，却被盗刷了三千元。',
    nearEn: 'Unauthorized personnel were walking around the hotel corridor at night.',
    nearZh: '我想授权家人帮我办理业务，需要什么材料？',
  },
  {
    reason: 'scam_money_lost',
    level: 'P1',
    category: 'fraud_security',
    en: 'A caller pretending to be from your bank got my code and my savings were drained.',
    zh: '接到冒充客服的电话，被骗转了两万元。',
    nearEn: 'Is this text message a scam? I did not click the link.',
    nearZh: '收到一条像是诈骗的短信，我没有点链接，提醒一下大家。',
  },
  {
    reason: 'fire_or_smoke',
    level: 'P1',
    category: 'safety_hazard',
    en: 'The charger caught fire on my desk last night.',
    zh: '充电器插上就冒烟，吓死人了。',
    nearEn: 'Your fire sale prices were a lie, the discount was not applied.',
    nearZh: '房间里有很重的烟味，换了房也一样。',
  },
  {
    reason: 'injury_or_burn',
    level: 'P1',
    category: 'safety_hazard',
    en: 'The kettle lid flew open and I got a burn on my hand.',
    zh: '热水壶漏水，孩子被烫伤了。',
    nearEn: 'Your startup burn rate is not my problem, refund my subscription.',
    nearZh: '天气太热了，外卖送得太慢。',
  },
  {
    reason: 'electric_leak_danger',
    level: 'P1',
    category: 'safety_hazard',
    en: 'There is an electric leak on the washing machine, my hand was tingling when I touched it.',
    zh: '热水器漏电，洗澡时手碰到龙头发麻，太危险了。',
    nearEn: 'The electric bill is wrong again this month.',
    nearZh: '电费账单又算错了。',
  },
  {
    reason: 'self_harm_threat',
    level: 'P1',
    en: 'I have lost everything because of you and I want to end my life.',
    zh: '钱都被你们扣光了，我真的活不下去了。',
    nearEn: 'This bug is killing me, please fix the app.',
    nearZh: '排队排了两个小时，累死我了。',
  },
  {
    reason: 'potential_hazard',
    level: 'P2',
    category: 'safety_hazard',
    en: 'The non-stick coating is peeling off the rice cooker pot after a month, is that safe to eat?',
    zh: '电饭煲内胆涂层脱落，存在安全隐患。',
    nearEn: 'The hazard lights on the rental car did not work.',
    nearZh: '危险品不能寄，快递员态度很差。',
  },
  {
    reason: 'personal_data_leak',
    level: 'P2',
    category: 'privacy',
    en: 'Your staff leaked my personal information to a marketing company.',
    zh: '在你们平台下单后个人信息被泄露，天天接到骚扰电话。',
    nearEn: 'The pipe under the sink is leaking since the installation.',
    nearZh: '请帮我更新个人信息里的地址。',
  },
];

describe('risk rules (issue 19): bilingual, each with a reason code, and near misses that do not fire', () => {
  for (const r of RISK) {
    it(`${r.reason} → ${r.level}${r.category ? ` and ${r.category}` : ''}`, () => {
      for (const text of [r.en, r.zh]) {
        const v = rules.evaluate(text);
        expect(v.matched.map((m) => m.reason), text).toContain(r.reason);
        expect(v.priority?.level, text).toBe(r.level);
        expect(v.forcedCategory?.label, text).toBe(r.category);
      }
      for (const text of [r.nearEn, r.nearZh]) {
        const v = rules.evaluate(text);
        expect(v.matched.map((m) => m.reason), text).not.toContain(r.reason);
        // Not as urgent as the rule would have made it (another, milder rule may still speak: "scam" → P2).
        expect(v.priority?.level ?? 'P3', text).not.toBe(r.level);
        if (r.level === 'P2') expect(v.priority?.level, text).not.toBe('P1');
      }
    });
  }

  it('a forced category the taxonomy does not have is dropped', () => {
    const t = loadTaxonomyFile();
    const without = compileRules(loadTriageRules(), { ...t, categories: t.categories.filter((c) => c.id !== 'safety_hazard') });
    const v = without.evaluate('The charger caught fire on my desk last night.');
    expect(v.priority?.reason).toBe('fire_or_smoke');
    expect(v.forcedCategory).toBeUndefined();
  });
});
