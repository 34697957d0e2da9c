import { z } from 'zod';
import { PRIORITIES, type Priority } from '../shared/constants';
import { defaultsFile, readConfigFile } from '../lib/config-file';

const keywordList = z.array(z.union([z.string().min(1), z.number()]).transform(String)).min(1);

const rulesSchema = z.object({
  modelCategories: z.record(z.string(), z.string().min(1)).default({}),
  categories: z.array(z.object({ category: z.string().min(1), keywords: keywordList })).default([]),
  priority: z.object({
    default: z.enum(PRIORITIES),
    rules: z.array(z.object({ priority: z.enum(PRIORITIES), reason: z.string().min(1), keywords: keywordList })).default([]),
  }),
});

export type TriageRules = z.infer<typeof rulesSchema>;

/** Loads the keyword rules (TRIAGE_RULES_FILE, else the shipped defaults). */
export function loadTriageRules(file?: string): TriageRules {
  return readConfigFile(file ?? defaultsFile('triage-rules.yml'), rulesSchema);
}

const CJK = /[\u3400-\u9fff]/;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Chinese has no spaces to bound a word, so CJK keywords match as substrings. Others match as whole
 * words, bounded by anything but Latin letters and digits, so "12315" is found in "打12315投诉" while
 * "bill" is not found in "billboard".
 */
function matcher(keyword: string): (text: string) => boolean {
  if (CJK.test(keyword)) return (text) => text.includes(keyword);
  const re = new RegExp(`(?<![\\p{Script=Latin}\\p{N}])${escape(keyword.toLowerCase())}(?![\\p{Script=Latin}\\p{N}])`, 'u');
  return (text) => re.test(text);
}

export interface RuleVerdict {
  /** Set when a category rule matched; undefined leaves the decision to the models. */
  category?: { label: string; hits: string[] };
  /** Set when a priority rule matched. */
  priority?: { level: Priority; reason: string; hits: string[] };
  defaultPriority: Priority;
}

export interface CompiledRules {
  evaluate(text: string): RuleVerdict;
  /** Model label → our category. */
  modelCategories: Record<string, string>;
}

/** Compiles the rules once; evaluate() is then a pure function of the text. */
export function compileRules(rules: TriageRules): CompiledRules {
  const cats = rules.categories.map((c) => ({ label: c.category, tests: c.keywords.map((k) => ({ k, test: matcher(k) })) }));
  const prios = rules.priority.rules.map((r) => ({ ...r, tests: r.keywords.map((k) => ({ k, test: matcher(k) })) }));
  return {
    modelCategories: rules.modelCategories,
    evaluate(raw) {
      const text = raw.toLowerCase();
      let best: RuleVerdict['category'];
      for (const c of cats) {
        const hits = c.tests.filter((t) => t.test(text)).map((t) => t.k);
        // Most distinct keywords wins; ties keep the category listed first, so the file's order is the tie-break.
        if (hits.length > 0 && (!best || hits.length > best.hits.length)) best = { label: c.label, hits };
      }
      let priority: RuleVerdict['priority'];
      for (const r of prios) {
        const hits = r.tests.filter((t) => t.test(text)).map((t) => t.k);
        if (hits.length > 0) {
          priority = { level: r.priority, reason: r.reason, hits };
          break;
        }
      }
      return { category: best, priority, defaultPriority: rules.priority.default };
    },
  };
}
