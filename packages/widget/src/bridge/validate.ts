// Hand-written checks matching the JSON Schema for what the widget receives (ajv stays in the tests,
// which feed these checks every example). Table-driven to keep the adapter small: it ships in the
// widget's initial bundle. Each check returns an error message, or undefined.
type Obj = Record<string, unknown>;
type Rule = (x: unknown) => boolean;

export const isObject = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
export const text =
  (re: RegExp, max = 2048): Rule =>
  (x) =>
    typeof x === 'string' && x.length <= max && re.test(x);
const among =
  (...values: string[]): Rule =>
  (x) =>
    values.includes(x as string);
const int =
  (min: number, max: number): Rule =>
  (x) =>
    Number.isInteger(x) && (x as number) >= min && (x as number) <= max;

export const isId = text(/^[A-Za-z0-9_.:-]{1,64}$/, 64) as (x: unknown) => x is string;
export const http = text(/^https?:\/\/\S+$/);
const image = among('image/jpeg', 'image/png', 'image/webp');
export const ERROR_CODES = [
  'unsupported',
  'invalid_message',
  'cancelled',
  'not_found',
  'permission_denied',
  'internal',
];

/** Required and optional fields of a closed object. */
export function check(
  o: unknown,
  required: Record<string, Rule>,
  optional: Record<string, Rule> = {},
): string | undefined {
  if (!isObject(o)) return 'not an object';
  for (const key in o) if (!(key in required || key in optional)) return `unexpected field "${key}"`;
  for (const key in required) if (!required[key]!(o[key])) return `invalid field "${key}"`;
  for (const key in optional) if (o[key] !== undefined && !optional[key]!(o[key])) return `invalid field "${key}"`;
  return undefined;
}

/** A request envelope of any type: `{ v: 1, id, type, payload }`. */
export const checkEnvelope = (m: unknown) =>
  check(m, {
    v: (x) => x === 1,
    id: isId,
    type: (x) => x !== 'reply' && text(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/, 64)(x),
    payload: isObject,
  });

export const checkHostInit = (p: unknown) =>
  check(
    p,
    {
      locale: text(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/, 64),
      theme: among('light', 'dark', 'auto'),
      apiBase: http,
      apiKey: text(/^[!-~]{1,256}$/),
    },
    { k: int(1, 100), model: text(/./, 128), device: among('auto', 'webgpu', 'wasm') },
  );

export const checkPhoto = (p: unknown) =>
  check(
    p,
    { url: text(/^app:\/\/bundle\/photos\/[A-Za-z0-9_-]{1,64}\.(jpg|jpeg|png|webp)$/, 120) },
    { mimeType: image },
  );

export const checkSearchResult = (r: unknown) =>
  check(r, {
    resultCount: int(0, Number.MAX_SAFE_INTEGER),
    topIds: (x) => Array.isArray(x) && x.length <= 100 && x.every(text(/./, 128)),
  });
