/**
 * Cuts a registry's answer down to the agreed data items (R6). Data items are
 * the answer's top-level properties; anything not agreed is left out.
 */
export function projectAnswer(answer: Record<string, unknown>, dataItems: ReadonlySet<string>): Record<string, unknown> {
  const projected: Record<string, unknown> = {};
  for (const key of Object.keys(answer)) if (dataItems.has(key)) projected[key] = answer[key];
  return projected;
}
