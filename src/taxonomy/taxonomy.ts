import { z } from 'zod';
import { defaultsFile, readConfigFile } from '../lib/config-file';
import { PRIORITIES } from '../shared/constants';

const slug = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lowercase letters, digits and "_", starting with a letter, at most 64');
const phrase = z.union([z.string().trim().min(1).max(200), z.number()]).transform(String);

export const categorySchema = z
  .object({
    id: slug,
    name: z.object({ en: z.string().trim().min(1).max(100), zh: z.string().trim().min(1).max(100) }).strict(),
    /** The department that handles the category: the one place this mapping is kept. */
    department: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a department id (lowercase letters, digits, ".", "_" or "-")'),
    description: z.string().trim().min(1).max(2000),
    /** Example complaints in any language: what the few-shot classifier learns the category from. */
    examples: z.array(z.string().trim().min(1).max(2000)).min(1).max(200),
    /** Optional: keywords that decide the category where the taxonomy classifier is unsure (or absent). */
    keywords: z.array(phrase).max(200).default([]),
    /**
     * Optional: the least urgent priority a complaint of this category gets once its category is sure (a
     * rule decided it, or the classifier at or above the confidence threshold), with reason
     * `category_floor:<id>`. A guess below the threshold raises nothing.
     */
    priorityFloor: z.enum(PRIORITIES).optional(),
  })
  .strict();

export const taxonomySchema = z
  .object({
    /** Where a complaint goes when nothing recognises it; must be one of the categories. */
    fallbackCategory: slug,
    categories: z.array(categorySchema).min(1).max(200),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.categories.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'id'], message: `duplicate category "${c.id}"` });
      seen.add(c.id);
    });
    if (!seen.has(t.fallbackCategory)) ctx.addIssue({ code: 'custom', path: ['fallbackCategory'], message: `no category "${t.fallbackCategory}"` });
  });

export type Taxonomy = z.infer<typeof taxonomySchema>;
export type TaxonomyCategory = Taxonomy['categories'][number];

/** The taxonomy triage uses: a document and the version it was stored under. */
export interface VersionedTaxonomy {
  version: number;
  taxonomy: Taxonomy;
}

/** Loads the taxonomy file (TAXONOMY_FILE, else the shipped default); errors name the file and field. */
export function loadTaxonomyFile(file?: string): Taxonomy {
  return readConfigFile(file ?? defaultsFile('taxonomy.yml'), taxonomySchema);
}

/** Category id → department id, from the taxonomy (the one source of truth for that mapping). */
export function departmentsByCategory(t: Taxonomy): Map<string, string> {
  return new Map(t.categories.map((c) => [c.id, c.department]));
}

/** Department id → the categories it serves, in taxonomy order (what `departments.categories` mirrors). */
export function categoriesByDepartment(t: Taxonomy): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of t.categories) out.set(c.department, [...(out.get(c.department) ?? []), c.id]);
  return out;
}

/** Whether the taxonomy has this category. */
export const hasCategory = (t: Taxonomy, id: string): boolean => t.categories.some((c) => c.id === id);
