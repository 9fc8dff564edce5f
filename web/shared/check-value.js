// One check for a value someone gives a setting: a playground field, a link's parameter, a saved
// setting (web/playground/settings.js) and a demo's attribute (demos/wasmgrad-demo.js). The raw
// value is untrusted text (or a number); the answer says what was wrong with it in words a reader
// can act on ("9 is above the maximum 4"), quoting at most 20 characters of it. No DOM.

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const quote = (raw) => `"${String(raw).slice(0, 20)}"`;

/**
 * Checks `raw` against a spec; returns {value} or {error}. Specs:
 *   {type: 'int' | 'number', min, max}              a number within [min, max] ('int': whole)
 *   {type: 'enum', values, aliases?}                one of values (an alias reads as what it names)
 *   {type: 'bool'}                                  true/false, 1/0, yes/no, on/off
 *   {type: 'pattern', pattern: RegExp, describe}    text the pattern matches ("a list of numbers")
 */
export function checkValue(spec, raw) {
  switch (spec.type) {
    case 'int':
    case 'number':
      return checkNumber(spec, raw);
    case 'enum': {
      const value = spec.aliases && Object.hasOwn(spec.aliases, raw) ? spec.aliases[raw] : raw;
      return spec.values.includes(value) ? { value } : { error: `${quote(raw)} is not one of ${spec.values.join(', ')}` };
    }
    case 'bool': {
      const text = String(raw).trim();
      if (['true', '1', 'yes', 'on'].includes(text)) return { value: true };
      if (['false', '0', 'no', 'off'].includes(text)) return { value: false };
      return { error: `${quote(raw)} is not true or false` };
    }
    case 'pattern': {
      const text = String(raw).trim();
      return spec.pattern.test(text) ? { value: text } : { error: `${quote(raw)} is not ${spec.describe}` };
    }
    default:
      return { error: `has a setting type this page does not know ("${spec.type}")` };
  }
}

function checkNumber(spec, raw) {
  if (typeof raw !== 'number' && typeof raw !== 'string') return { error: 'is not a number' };
  const text = String(raw).trim();
  if (text === '') return { error: 'is empty' };
  if (!NUMBER.test(text)) return { error: `${quote(text)} is not a number` };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: 'is not a finite number' };
  if (spec.type === 'int' && !Number.isInteger(value)) return { error: `${value} is not a whole number` };
  if (value < spec.min) return { error: `${value} is below the minimum ${spec.min}` };
  if (value > spec.max) return { error: `${value} is above the maximum ${spec.max}` };
  return { value };
}
