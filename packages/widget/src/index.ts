export { FtfCropper } from './components/cropper/ftf-cropper.component.js';
export { FindThisFitElement } from './components/find-this-fit/find-this-fit.component.js';
export type * from './events.js';
export type { CropRect } from './internal/photo.js';
export type { FtfStrings } from './internal/strings.js';
export { EN as englishStrings, FR as frenchStrings } from './internal/strings.js';
