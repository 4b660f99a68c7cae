/**
 * Refines an image query with text ("in black"): the normalised sum of both embeddings, the text weighted by
 * `textWeight`. CLIP-family models share one space for images and text, so the sum moves the query towards
 * listings that match both.
 */
export function combineQuery(image: Float32Array, text: Float32Array, textWeight = 0.5): Float32Array {
  if (image.length !== text.length) {
    throw new RangeError(`Image (${image.length}) and text (${text.length}) embeddings differ in size.`);
  }
  const out = new Float32Array(image.length);
  let norm = 0;
  for (let i = 0; i < out.length; i++) {
    const value = (image[i] ?? 0) + textWeight * (text[i] ?? 0);
    out[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) * scale;
  return out;
}
