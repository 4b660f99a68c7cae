// @ts-check
// Flat-lay garment outlines in unit coordinates (x right, y down, the garment roughly within 0.1..0.9).
// A part is filled in order: `pattern` parts carry the fabric pattern, the others are trims in a shade of it.

/** @typedef {[number, number][]} Polygon */
/** @typedef {{ polygons: Polygon[], shade: number, pattern: boolean }} Part */

/** @param {Polygon} polygon @returns {Polygon} mirror image across x = 0.5 */
const mirror = (polygon) => polygon.map(([x, y]) => /** @type {[number, number]} */ ([1 - x, y])).reverse();

/** @param {Polygon} left a left half from the top centre down to the bottom centre */
const symmetric = (left) => [...left, ...mirror(left).slice(1, -1)];

/** @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 @returns {Polygon} */
const rect = (x0, y0, x1, y1) => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

/** @param {number} cx @param {number} cy @param {number} rx @param {number} ry @returns {Polygon} */
const ellipse = (cx, cy, rx, ry, steps = 28) =>
  Array.from({ length: steps }, (_, i) => {
    const a = (i / steps) * Math.PI * 2;
    return /** @type {[number, number]} */ ([cx + Math.cos(a) * rx, cy + Math.sin(a) * ry]);
  });

/** @param {Polygon[]} polygons @returns {Part} */
const body = (...polygons) => ({ polygons, shade: 1, pattern: true });
/** @param {number} shade @param {Polygon[]} polygons @returns {Part} */
const trim = (shade, ...polygons) => ({ polygons, shade, pattern: false });

/** A top with long sleeves: `hem` is the body's bottom edge. @param {number} hem @param {number} cuff */
const longSleeveTop = (hem, cuff = 0.74) =>
  symmetric([
    [0.5, 0.2],
    [0.42, 0.17],
    [0.3, 0.2],
    [0.22, 0.36],
    [0.16, cuff],
    [0.25, cuff + 0.02],
    [0.31, 0.44],
    [0.32, hem],
    [0.5, hem],
  ]);

/** @type {Record<import('../vocab.js').Garment, Part[]>} */
export const SILHOUETTES = {
  tshirt: [
    body(
      symmetric([
        [0.5, 0.24],
        [0.42, 0.17],
        [0.3, 0.2],
        [0.15, 0.36],
        [0.23, 0.45],
        [0.32, 0.38],
        [0.32, 0.84],
        [0.5, 0.84],
      ]),
    ),
    trim(0.8, [
      [0.42, 0.17],
      [0.5, 0.24],
      [0.58, 0.17],
      [0.56, 0.17],
      [0.5, 0.215],
      [0.44, 0.17],
    ]),
  ],
  shirt: [
    body(longSleeveTop(0.86)),
    trim(
      0.78,
      [
        [0.42, 0.17],
        [0.5, 0.28],
        [0.46, 0.3],
        [0.38, 0.21],
      ],
      mirror([
        [0.42, 0.17],
        [0.5, 0.28],
        [0.46, 0.3],
        [0.38, 0.21],
      ]),
    ),
    trim(0.85, rect(0.493, 0.28, 0.507, 0.86)),
    trim(0.8, rect(0.37, 0.36, 0.45, 0.44)),
  ],
  hoodie: [
    trim(0.72, ellipse(0.5, 0.16, 0.13, 0.09)),
    body(longSleeveTop(0.82, 0.7)),
    trim(0.82, rect(0.33, 0.8, 0.67, 0.86), rect(0.16, 0.69, 0.25, 0.74), mirror(rect(0.16, 0.69, 0.25, 0.74))),
    trim(0.82, [
      [0.38, 0.58],
      [0.62, 0.58],
      [0.66, 0.76],
      [0.34, 0.76],
    ]),
  ],
  jumper: [
    body(longSleeveTop(0.8, 0.72)),
    trim(0.82, rect(0.32, 0.78, 0.68, 0.85), rect(0.155, 0.71, 0.255, 0.77), mirror(rect(0.155, 0.71, 0.255, 0.77))),
    trim(0.78, ellipse(0.5, 0.185, 0.085, 0.035)),
  ],
  jacket: [
    body(longSleeveTop(0.8, 0.72)),
    trim(0.7, rect(0.494, 0.26, 0.506, 0.8)),
    trim(
      0.82,
      [
        [0.42, 0.17],
        [0.5, 0.3],
        [0.47, 0.46],
        [0.4, 0.24],
      ],
      mirror([
        [0.42, 0.17],
        [0.5, 0.3],
        [0.47, 0.46],
        [0.4, 0.24],
      ]),
    ),
    trim(0.8, rect(0.35, 0.6, 0.44, 0.66), mirror(rect(0.35, 0.6, 0.44, 0.66))),
  ],
  coat: [
    body(
      symmetric([
        [0.5, 0.18],
        [0.42, 0.14],
        [0.29, 0.17],
        [0.21, 0.32],
        [0.15, 0.72],
        [0.24, 0.74],
        [0.3, 0.42],
        [0.28, 0.92],
        [0.5, 0.92],
      ]),
    ),
    trim(0.72, rect(0.495, 0.26, 0.505, 0.92)),
    trim(
      0.8,
      [
        [0.42, 0.14],
        [0.5, 0.28],
        [0.46, 0.44],
        [0.38, 0.22],
      ],
      mirror([
        [0.42, 0.14],
        [0.5, 0.28],
        [0.46, 0.44],
        [0.38, 0.22],
      ]),
    ),
    trim(0.76, rect(0.295, 0.5, 0.705, 0.54)),
  ],
  dress: [
    body(
      symmetric([
        [0.5, 0.24],
        [0.41, 0.2],
        [0.38, 0.22],
        [0.39, 0.44],
        [0.27, 0.9],
        [0.5, 0.92],
      ]),
    ),
    trim(0.8, rect(0.4, 0.1, 0.415, 0.21), mirror(rect(0.4, 0.1, 0.415, 0.21))),
    trim(0.85, rect(0.385, 0.42, 0.615, 0.45)),
  ],
  skirt: [
    trim(0.8, rect(0.35, 0.26, 0.65, 0.31)),
    body(
      symmetric([
        [0.5, 0.31],
        [0.35, 0.31],
        [0.22, 0.78],
        [0.5, 0.8],
      ]),
    ),
  ],
  jeans: [
    trim(0.82, rect(0.33, 0.12, 0.67, 0.16)),
    body(
      symmetric([
        [0.5, 0.16],
        [0.33, 0.16],
        [0.31, 0.52],
        [0.3, 0.92],
        [0.47, 0.92],
        [0.5, 0.4],
      ]),
    ),
    trim(
      0.85,
      [
        [0.33, 0.16],
        [0.42, 0.16],
        [0.34, 0.24],
      ],
      mirror([
        [0.33, 0.16],
        [0.42, 0.16],
        [0.34, 0.24],
      ]),
    ),
  ],
  trousers: [
    trim(0.82, rect(0.32, 0.11, 0.68, 0.15)),
    body(
      symmetric([
        [0.5, 0.15],
        [0.32, 0.15],
        [0.27, 0.92],
        [0.46, 0.92],
        [0.5, 0.42],
      ]),
    ),
    trim(0.88, rect(0.363, 0.2, 0.37, 0.9), mirror(rect(0.363, 0.2, 0.37, 0.9))),
  ],
};
