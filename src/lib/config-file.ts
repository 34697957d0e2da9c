import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/**
 * Reads a YAML (or JSON) settings file and validates it; the error names the file and the field path,
 * so an operator with a typo sees exactly where it is.
 */
export function readConfigFile<T extends z.ZodType>(file: string, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path.basename(file)}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** A file shipped under src/defaults, resolved from this module so it works from any working directory. */
export const defaultsFile = (name: string): string => new URL(`../defaults/${name}`, import.meta.url).pathname;
