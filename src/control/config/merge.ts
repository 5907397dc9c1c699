// Layering of config sources. Mappings merge key by key; anything else
// (numbers, strings, lists) is replaced whole by the higher layer, so a file's
// `routes:` list replaces the default routes rather than appending to them.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergeLayers(...layers: Array<Record<string, unknown> | undefined>): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const layer of layers) if (layer) merged = mergeTwo(merged, layer);
  return merged;
}

function mergeTwo(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeTwo(current, value) : value;
  }
  return out;
}

/** Sets `value` at a dotted path, creating mappings on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
