/**
 * Shape checks that hold across realms. A Node-RED function node runs in a `vm` context, so the objects
 * it builds have that context's `Object.prototype`, not ours: `instanceof Object` and prototype
 * comparisons refuse them. These checks look at the prototype chain's shape and the built-in tag instead.
 */

/** Any non-null, non-array object: something whose properties can be read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * An object literal (or `Object.create(null)`) from any realm: its prototype is null or an
 * `Object.prototype`, i.e. a prototype with no prototype of its own. Dates, Maps, Buffers and class
 * instances have a longer chain and are not plain.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value) || Object.prototype.toString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A Date from any realm. */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === "[object Date]";
}

/** A Float64Array from any realm (a function node's `new Float64Array()` is its sandbox's own). */
export function isFloat64Array(value: unknown): value is Float64Array {
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === "[object Float64Array]";
}
