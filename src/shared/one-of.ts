/**
 * Whether `value` is a member of `group`, narrowing it to the group's type. For a plain string checked
 * against a group of literals (a status read from the database against FINAL_STATUSES, say), where
 * `group.includes(value)` does not compile and a cast to make it compile would hide a wrong group.
 */
export function isOneOf<T extends string>(group: readonly T[], value: string): value is T {
  return group.some((member) => member === value);
}
