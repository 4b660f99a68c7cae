import { css } from 'lit';

export const cropperStyles = css`
  :host {
    display: block;
    position: relative;
    user-select: none;
    -webkit-user-select: none;
    touch-action: none;
  }
  .frame {
    position: relative;
    display: inline-block;
    max-width: 100%;
    line-height: 0;
    cursor: crosshair;
    /* The box's shade (a huge box-shadow) dims the photo only, never the host page. */
    overflow: hidden;
    border-radius: var(--ftf-radius, 12px);
  }
  img {
    max-width: 100%;
    max-height: var(--ftf-preview-max-height, 320px);
    border-radius: var(--ftf-radius, 12px);
    display: block;
  }
  .box {
    position: absolute;
    box-sizing: border-box;
    border: 2px solid var(--ftf-accent, #0b57d0);
    box-shadow: 0 0 0 9999px rgb(0 0 0 / 0.45);
    border-radius: 4px;
    cursor: move;
    outline: none;
  }
  .box:focus-visible {
    outline: 3px solid var(--ftf-focus, #f4b400);
    outline-offset: 2px;
  }
  .handle {
    position: absolute;
    width: 16px;
    height: 16px;
    background: var(--ftf-accent, #0b57d0);
    border: 2px solid #fff;
    border-radius: 50%;
  }
  /* Handles sit inside the box: the frame clips anything outside the photo. */
  .handle.nw { left: -2px; top: -2px; cursor: nwse-resize; }
  .handle.ne { right: -2px; top: -2px; cursor: nesw-resize; }
  .handle.sw { left: -2px; bottom: -2px; cursor: nesw-resize; }
  .handle.se { right: -2px; bottom: -2px; cursor: nwse-resize; }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .frame.full .box { box-shadow: none; }
`;
