/** Operations of `/engage/` that the `people` API sends. */
export type PeopleOperation = '$set' | '$set_once' | '$add' | '$append' | '$union' | '$unset';

/**
 * Turns the two call forms of mixpanel-browser's people methods, `(name, value)` and
 * `({ name: value })`, into one map.
 */
export function propertyMap(nameOrMap: unknown, value: unknown): Record<string, unknown> {
  if (typeof nameOrMap === 'string') return { [nameOrMap]: value };
  if (nameOrMap && typeof nameOrMap === 'object' && !Array.isArray(nameOrMap)) {
    return { ...(nameOrMap as Record<string, unknown>) };
  }
  return {};
}

/** Builds the operation payload of one people call, or null when it has nothing to send. */
export function peopleOperation(
  operation: PeopleOperation,
  nameOrMap: unknown,
  value: unknown,
): unknown {
  if (operation === '$unset') {
    const names = Array.isArray(nameOrMap) ? nameOrMap : [nameOrMap];
    const valid = names.filter((name): name is string => typeof name === 'string');
    return valid.length > 0 ? valid : null;
  }
  const map = propertyMap(nameOrMap, operation === '$add' && value === undefined ? 1 : value);
  if (operation === '$union') {
    for (const [name, item] of Object.entries(map)) map[name] = Array.isArray(item) ? item : [item];
  }
  if (operation === '$add') {
    for (const [name, item] of Object.entries(map)) if (typeof item !== 'number') delete map[name];
  }
  return Object.keys(map).length > 0 ? map : null;
}
