/** A crop box in pixels of the original photo: left, top, right, bottom (exclusive), as DeepFashion writes it. */
export interface BoundingBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** One gallery photo: a listing's image, indexed as one row of the search server. */
export interface GalleryImage {
  /** Stable key (the path relative to the set's root); becomes the listing's `externalId`. */
  key: string;
  /** Absolute path of the photo. */
  path: string;
  /** The product this photo shows; several photos may share one. A query hits when a result's item is relevant. */
  itemId: string;
}

/** One query photo with what should be found. */
export interface QueryImage {
  key: string;
  path: string;
  /** Item ids a correct answer may show (at least one). */
  relevant: string[];
  /** Optional crop around the garment, to measure how much cropping helps. */
  bbox?: BoundingBox;
}

export interface LabelledSet {
  /** Where it came from, for reports: a file or a folder. */
  source: string;
  format: LabelledSetFormat;
  gallery: GalleryImage[];
  queries: QueryImage[];
}

export type LabelledSetFormat = 'jsonl' | 'deepfashion' | 'folder';

/** A malformed labelled set: the message names the file and, where there is one, the line. */
export class LabelledSetError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'LabelledSetError';
    this.file = file;
    this.line = line;
  }
}
