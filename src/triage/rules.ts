import { z } from 'zod';
import { PRIORITIES, type Priority } from '../shared/constants';
import { defaultsFile, readConfigFile } from '../lib/config-file';
import type { Taxonomy } from '../taxonomy/taxonomy';

const keywordList = z.array(z.union([z.string().min(1), z.number()]).transform(String)).min(1);

const priorityRule = z
  .object({
    priority: z.enum(PRIORITIES),
    /** The reason code written to priorityReasons (`<reason>:<keywords hit>`). */
    reason: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a reason code: lowercase letters, digits and "_"'),
    /** Any of these... */
    keywords: keywordList,
    /** ...together with any of these, when given (e.g. a scam call AND money lost). */
    with: keywordList.optional(),
    /** Phrases that do not count, removed before matching (e.g. "fire sale", "burn rate"). */
    except: z.array(z.string().min(1)).default([]),
    /** The taxonomy category this rule makes obvious (used when the taxonomy has it). */
    category: z.string().min(1).optional(),
  })
  .strict();

const rulesSchema = z
  .object({
    modelCategories: z.record(z.string(), z.string().min(1)).default({}),
    /** Airline complaint reason (reason-en, in its domain and confident) → our category. */
    reasonCategories: z.record(z.string(), z.string().min(1)).default({}),
    /** Moved: category keywords live in the taxonomy now (refused with that reason below). */
    categories: z.unknown().optional(),
    priority: z.object({ default: z.enum(PRIORITIES), rules: z.array(priorityRule).default([]) }),
  })
  .superRefine((r, ctx) => {
    if (r.categories !== undefined) ctx.addIssue({ code: 'custom', path: ['categories'], message: 'category keywords moved to the taxonomy (TAXONOMY_FILE, categories[].keywords)' });
  });

export type TriageRules = z.infer<typeof rulesSchema>;
export type PriorityRuleSpec = z.input<typeof priorityRule>;

/** Loads the keyword rules (TRIAGE_RULES_FILE, else the shipped defaults). */
export function loadTriageRules(file?: string): TriageRules {
  return readConfigFile(file ?? defaultsFile('triage-rules.yml'), rulesSchema);
}

const CJK = /[\u3400-\u9fff]/;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const latinWord = (keyword: string, flags = 'u'): RegExp => new RegExp(`(?<![\\p{Script=Latin}\\p{N}])${escape(keyword.toLowerCase())}(?![\\p{Script=Latin}\\p{N}])`, flags);

/**
 * Chinese has no spaces to bound a word, so CJK keywords match as substrings. Others match as whole
 * words, bounded by anything but Latin letters and digits, so "12315" is found in "打12315投诉" while
 * "bill" is not found in "billboard".
 */
function matcher(keyword: string): (text: string) => boolean {
  if (CJK.test(keyword)) return (text) => text.includes(keyword);
  const re = latinWord(keyword);
  return (text) => re.test(text);
}

/** Blanks out the phrases that must not count, so "fire sale" leaves no "fire" behind. */
function remover(phrases: string[]): (text: string) => string {
  const res = phrases.map((p) => (CJK.test(p) ? new RegExp(escape(p), 'gu') : latinWord(p, 'gu')));
  return (text) => res.reduce((t, re) => t.replace(re, ' '), text);
}

const RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

export interface PriorityHit {
  level: Priority;
  reason: string;
  hits: string[];
}

export interface RuleVerdict {
  /** Set when a taxonomy keyword matched; undefined leaves the decision to the models. */
  category?: { label: string; hits: string[] };
  /** A risk rule that makes the category obvious (safety_hazard, fraud_security, privacy): it wins over keywords. */
  forcedCategory?: { label: string; reason: string };
  /** The most urgent priority rule that matched. */
  priority?: PriorityHit;
  /** Every priority rule that matched, in file order: each is a reason. */
  matched: PriorityHit[];
  defaultPriority: Priority;
}

export interface CompiledRules {
  evaluate(text: string): RuleVerdict;
  /** Model label → our category. */
  modelCategories: Record<string, string>;
  /** Airline reason label → our category. */
  reasonCategories: Record<string, string>;
}

/**
 * Compiles the rules once (per taxonomy version: its keywords decide categories); evaluate() is then a
 * pure function of the text.
 */
export function compileRules(rules: TriageRules, taxonomy?: Taxonomy): CompiledRules {
  const known = taxonomy ? new Set(taxonomy.categories.map((c) => c.id)) : undefined;
  const cats = (taxonomy?.categories ?? []).map((c) => ({ label: c.id, tests: c.keywords.map((k) => ({ k, test: matcher(k) })) }));
  const prios = rules.priority.rules.map((r) => ({
    ...r,
    // A forced category the taxonomy does not have (an admin removed it) is no category at all.
    category: r.category && (!known || known.has(r.category)) ? r.category : undefined,
    strip: remover(r.except),
    tests: r.keywords.map((k) => ({ k, test: matcher(k) })),
    withTests: r.with?.map((k) => ({ k, test: matcher(k) })),
  }));
  return {
    modelCategories: rules.modelCategories,
    reasonCategories: rules.reasonCategories,
    evaluate(raw) {
      const text = raw.toLowerCase();
      let best: RuleVerdict['category'];
      for (const c of cats) {
        const hits = c.tests.filter((t) => t.test(text)).map((t) => t.k);
        // Most distinct keywords wins; ties keep the category listed first, so the file's order is the tie-break.
        if (hits.length > 0 && (!best || hits.length > best.hits.length)) best = { label: c.label, hits };
      }
      const matched: PriorityHit[] = [];
      let forcedCategory: RuleVerdict['forcedCategory'];
      for (const r of prios) {
        const t = r.except.length ? r.strip(text) : text;
        const hits = r.tests.filter((x) => x.test(t)).map((x) => x.k);
        if (hits.length === 0) continue;
        const also = r.withTests?.filter((x) => x.test(t)).map((x) => x.k);
        if (also && also.length === 0) continue;
        matched.push({ level: r.priority, reason: r.reason, hits: [...new Set([...hits, ...(also ?? [])])] });
        if (r.category && !forcedCategory) forcedCategory = { label: r.category, reason: r.reason };
      }
      // The most urgent wins; among equals the one listed first.
      const priority = matched.reduce<PriorityHit | undefined>((a, m) => (!a || RANK[m.level] < RANK[a.level] ? m : a), undefined);
      return { category: best, forcedCategory, priority, matched, defaultPriority: rules.priority.default };
    },
  };
}
