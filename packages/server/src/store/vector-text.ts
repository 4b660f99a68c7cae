/**
 * pgvector's text form. Both back ends get and return vectors as text (PGlite has no binary vector type
 * parser), so one code path serves both.
 */
export function toVectorText(vector: ArrayLike<number>): string {
  const parts = new Array<string>(vector.length);
  // 9 significant digits round-trip any float32 exactly.
  for (let i = 0; i < vector.length; i++) parts[i] = Number((vector[i] as number).toPrecision(9)).toString();
  return `[${parts.join(',')}]`;
}

export function parseVectorText(text: string): Float32Array {
  const body = text.trim().slice(1, -1);
  if (body === '') return new Float32Array(0);
  const parts = body.split(',');
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}
