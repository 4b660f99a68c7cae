import { css } from 'lit';

/** The dark palette (WCAG AA contrast on its own backgrounds), used by two selectors below. */
const darkTokens = css`
    --ftf-bg: #1b1c1f;
    --ftf-fg: #e8eaed;
    --ftf-muted: #b4b8bf;
    --ftf-border: #5f6368;
    --ftf-card-bg: #26272b;
    --ftf-accent: #a8c7fa;
    --ftf-accent-fg: #062e6f;
    --ftf-focus: #fdd663;
    --ftf-error-bg: #601410;
    --ftf-error-fg: #f9dedc;
    --ftf-badge-bg: #3c4043;
    --ftf-badge-fg: #e8eaed;
`;

export const findThisFitStyles = css`
  :host {
    --ftf-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --ftf-bg: #ffffff;
    --ftf-fg: #1f1f1f;
    --ftf-muted: #5b5f66;
    --ftf-border: #c4c7cc;
    --ftf-card-bg: #ffffff;
    --ftf-accent: #0b57d0;
    --ftf-accent-fg: #ffffff;
    --ftf-focus: #b26a00;
    --ftf-error-bg: #fce8e6;
    --ftf-error-fg: #8c1d18;
    --ftf-badge-bg: #e8eaed;
    --ftf-badge-fg: #202124;
    --ftf-radius: 12px;
    --ftf-gap: 16px;
    --ftf-columns-min: 160px;
    display: block;
    font-family: var(--ftf-font);
    color: var(--ftf-fg);
    background: var(--ftf-bg);
    container-type: inline-size;
  }
  /* Dark: asked for with theme="dark", or followed from the system unless theme="light". */
  :host([theme='dark']) {
    ${darkTokens}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkTokens}
    }
  }
  [hidden] { display: none !important; }
  .base { padding: var(--ftf-gap); display: grid; gap: var(--ftf-gap); }
  h2 { font-size: 1.25rem; margin: 0; }
  h3 { font-size: 1.05rem; margin: 0; }
  h3:focus { outline: none; }
  h3:focus-visible, :focus-visible {
    outline: 3px solid var(--ftf-focus);
    outline-offset: 2px;
  }
  button, input, select {
    font: inherit;
    color: inherit;
  }
  button {
    border-radius: 999px;
    border: 1px solid var(--ftf-border);
    background: var(--ftf-card-bg);
    padding: 0.5em 1em;
    cursor: pointer;
    min-height: 44px;
  }
  button.primary {
    background: var(--ftf-accent);
    color: var(--ftf-accent-fg);
    border-color: var(--ftf-accent);
    font-weight: 600;
  }
  button:disabled { opacity: 0.6; cursor: default; }
  input, select {
    border: 1px solid var(--ftf-border);
    border-radius: 8px;
    padding: 0.45em 0.6em;
    background: var(--ftf-card-bg);
    min-height: 44px;
    box-sizing: border-box;
  }
  .dropzone {
    border: 2px dashed var(--ftf-border);
    border-radius: var(--ftf-radius);
    padding: var(--ftf-gap);
    display: grid;
    gap: 12px;
    justify-items: center;
    text-align: center;
  }
  .dropzone.over { border-color: var(--ftf-accent); background: color-mix(in srgb, var(--ftf-accent) 8%, transparent); }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: center; }
  .hint { color: var(--ftf-muted); margin: 0; font-size: 0.9rem; }
  .file-input { position: absolute; width: 1px; height: 1px; opacity: 0; pointer-events: none; }
  .sr-only {
    position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
  }
  .refine { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
  .refine label { display: grid; gap: 4px; flex: 1 1 200px; font-size: 0.9rem; }
  .status { color: var(--ftf-muted); margin: 0; min-height: 1.4em; }
  progress { width: 100%; height: 8px; accent-color: var(--ftf-accent); }
  .error {
    background: var(--ftf-error-bg);
    color: var(--ftf-error-fg);
    border-radius: var(--ftf-radius);
    padding: 12px 16px;
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    justify-content: space-between;
  }
  .error p { margin: 0; flex: 1 1 240px; }
  details.filters { border: 1px solid var(--ftf-border); border-radius: var(--ftf-radius); padding: 8px 16px; }
  details.filters summary { cursor: pointer; min-height: 32px; line-height: 32px; font-weight: 600; }
  .filter-grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(130px, 1fr));
    gap: 12px;
    padding: 8px 0;
  }
  .filter-grid label { display: grid; gap: 4px; font-size: 0.9rem; }
  .results-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; flex-wrap: wrap; }
  ul.grid {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--ftf-gap);
    grid-template-columns: repeat(auto-fill, minmax(var(--ftf-columns-min), 1fr));
  }
  .card {
    background: var(--ftf-card-bg);
    border: 1px solid var(--ftf-border);
    border-radius: var(--ftf-radius);
    overflow: hidden;
    display: grid;
    grid-template-rows: auto 1fr;
    height: 100%;
    transition: box-shadow 150ms ease;
  }
  .card:hover { box-shadow: 0 2px 10px rgb(0 0 0 / 0.18); }
  .thumb { position: relative; aspect-ratio: 4 / 5; background: var(--ftf-badge-bg); }
  .thumb img { width: 100%; height: 100%; object-fit: cover; display: block; }
  .badge {
    position: absolute;
    left: 8px;
    top: 8px;
    background: var(--ftf-badge-bg);
    color: var(--ftf-badge-fg);
    border-radius: 999px;
    font-size: 0.75rem;
    font-weight: 600;
    padding: 2px 8px;
  }
  .body { padding: 10px 12px 12px; display: grid; gap: 4px; align-content: start; }
  .title { font-size: 0.95rem; font-weight: 600; margin: 0; line-height: 1.3; }
  .title a { color: inherit; text-decoration: none; }
  .title a:hover { text-decoration: underline; }
  .title a::after { content: ''; position: absolute; inset: 0; }
  .card { position: relative; }
  .price { font-weight: 700; margin: 0; }
  .meta, .score { color: var(--ftf-muted); margin: 0; font-size: 0.85rem; }
  .more { position: relative; z-index: 1; margin-top: 6px; justify-self: start; font-size: 0.85rem; min-height: 36px; }
  .empty { text-align: center; padding: 24px; border: 1px solid var(--ftf-border); border-radius: var(--ftf-radius); }
  .empty h3 { margin-bottom: 8px; }
  .empty p { margin: 0; color: var(--ftf-muted); }
  .load-more { justify-self: center; }
  footer { color: var(--ftf-muted); font-size: 0.75rem; text-align: right; }
  /* Phones: two columns of cards (the host is the container, so its children are restyled). */
  @container (max-width: 480px) {
    .base { padding: 12px; gap: 12px; }
    ul.grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
    .body { padding: 8px 10px 10px; }
  }
  @media (prefers-reduced-motion: reduce) {
    * { transition: none !important; animation: none !important; scroll-behavior: auto !important; }
  }
`;
