import { html } from 'lit';
import { property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { FtfElement } from '../../internal/ftf-element.js';
import { type CropRect, clampCrop, FULL_PHOTO, isFullPhoto } from '../../internal/photo.js';
import { EN, fill } from '../../internal/strings.js';
import { cropperStyles } from './ftf-cropper.styles.js';

type Drag = { mode: 'move' | 'nw' | 'ne' | 'sw' | 'se' | 'draw'; startX: number; startY: number; start: CropRect };

const STEP = 0.02;

function pct(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/**
 * A photo with a crop box the shopper drags (pointer) or moves and resizes (arrow keys; Shift resizes).
 * Internal to `<find-this-fit>`, which defines it (its `static dependencies`); its strings come from the
 * widget's strings table like every other word the widget shows.
 *
 * @tag ftf-cropper
 * @fires ftf-crop-change - The box moved; `detail` is the new `CropRect` in fractions of the photo.
 * @csspart frame - The photo and its box.
 * @csspart box - The crop box.
 */
export class FtfCropper extends FtfElement {
  static override styles = cropperStyles;

  /** URL of the photo. */
  @property() src = '';
  @property() alt = '';
  /** Accessible name of the box. */
  @property() label = EN.cropLabel;
  /** How to use the box with pointer and keyboard (read by screen readers). */
  @property() help = '';
  /** What screen readers call the box (`aria-roledescription`). */
  @property({ attribute: 'box-role' }) boxRole = EN.cropBoxRole;
  /** The box's position as read aloud: `{label}`, `{left}`, `{top}`, `{width}`, `{height}` are replaced. */
  @property({ attribute: 'position-template' }) positionTemplate = EN.cropPosition;
  /** The box, in fractions of the photo. */
  @property({ attribute: false }) rect: CropRect = FULL_PHOTO;

  #drag: Drag | undefined;

  override render() {
    const r = this.rect;
    const position = { left: pct(r.x), top: pct(r.y), width: pct(r.width), height: pct(r.height) };
    const description = fill(this.positionTemplate, { label: this.label, ...position });
    return html`<div
      class="frame ${isFullPhoto(r) ? 'full' : ''}"
      part="frame"
      @pointerdown=${this.#onPointerDown}
      @pointermove=${this.#onPointerMove}
      @pointerup=${this.#onPointerUp}
      @pointercancel=${this.#onPointerUp}
    >
      <img src=${this.src} alt=${this.alt} draggable="false" />
      <div
        class="box"
        part="box"
        tabindex="0"
        role="group"
        aria-roledescription=${this.boxRole}
        aria-label=${description}
        aria-describedby="help"
        style=${styleMap(position)}
        @keydown=${this.#onKeyDown}
        data-mode="move"
      >
        ${(['nw', 'ne', 'sw', 'se'] as const).map((corner) => html`<span class="handle ${corner}" data-mode=${corner}></span>`)}
      </div>
    </div>
    <p id="help" class="sr-only">${this.help}</p>`;
  }

  #point(event: PointerEvent): { x: number; y: number } {
    const frame = this.renderRoot.querySelector('img')?.getBoundingClientRect();
    if (!frame || frame.width === 0 || frame.height === 0) return { x: 0, y: 0 };
    return {
      x: Math.min(1, Math.max(0, (event.clientX - frame.left) / frame.width)),
      y: Math.min(1, Math.max(0, (event.clientY - frame.top) / frame.height)),
    };
  }

  #onPointerDown(event: PointerEvent) {
    if (event.button !== 0) return;
    const target = event.target as HTMLElement;
    const mode = (target.dataset.mode ?? 'draw') as Drag['mode'];
    const { x, y } = this.#point(event);
    this.#drag = { mode, startX: x, startY: y, start: this.rect };
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    event.preventDefault();
  }

  #onPointerMove(event: PointerEvent) {
    const drag = this.#drag;
    if (!drag) return;
    const { x, y } = this.#point(event);
    const dx = x - drag.startX;
    const dy = y - drag.startY;
    const s = drag.start;
    let next: CropRect;
    switch (drag.mode) {
      case 'move':
        next = { ...s, x: s.x + dx, y: s.y + dy };
        break;
      case 'draw':
        next = {
          x: Math.min(drag.startX, x),
          y: Math.min(drag.startY, y),
          width: Math.abs(dx),
          height: Math.abs(dy),
        };
        break;
      default: {
        const left = drag.mode.endsWith('w') ? s.x + dx : s.x;
        const right = drag.mode.endsWith('e') ? s.x + s.width + dx : s.x + s.width;
        const top = drag.mode.startsWith('n') ? s.y + dy : s.y;
        const bottom = drag.mode.startsWith('s') ? s.y + s.height + dy : s.y + s.height;
        next = {
          x: Math.min(left, right),
          y: Math.min(top, bottom),
          width: Math.abs(right - left),
          height: Math.abs(bottom - top),
        };
      }
    }
    this.#change(next);
  }

  #onPointerUp(event: PointerEvent) {
    if (!this.#drag) return;
    this.#drag = undefined;
    (event.currentTarget as HTMLElement).releasePointerCapture?.(event.pointerId);
  }

  #onKeyDown(event: KeyboardEvent) {
    const delta: Record<string, [number, number]> = {
      ArrowLeft: [-STEP, 0],
      ArrowRight: [STEP, 0],
      ArrowUp: [0, -STEP],
      ArrowDown: [0, STEP],
    };
    const move = delta[event.key];
    if (!move) return;
    event.preventDefault();
    const r = this.rect;
    const [dx, dy] = move;
    this.#change(
      event.shiftKey ? { ...r, width: r.width + dx, height: r.height + dy } : { ...r, x: r.x + dx, y: r.y + dy },
    );
  }

  #change(next: CropRect) {
    this.rect = clampCrop(next);
    this.emit('ftf-crop-change', this.rect);
  }
}
