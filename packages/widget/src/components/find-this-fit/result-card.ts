import type { SearchResult } from '@find-this-fit/sdk';
import { html, nothing } from 'lit';
import { formatPrice } from '../../internal/format.js';
import { safeAppUrl, safeWebUrl } from '../../internal/safe-url.js';
import { type FtfStrings, fill } from '../../internal/strings.js';

/** The link a result opens: its app link when allowed and safe, else its web URL; undefined when neither is safe. */
export function resultHref(result: SearchResult, openInApp: boolean): string | undefined {
  const app = openInApp ? safeAppUrl(result.appUrl) : undefined;
  return app ?? safeWebUrl(result.url);
}

/** "depop" → "Depop", an unnamed store "shopify:shop.example" → "shop.example", a named source as named. */
export function marketplaceName(source: string): string {
  const host = /^(?:shopify|jsonld):(.+)$/.exec(source)?.[1];
  if (host) return host;
  return source.charAt(0).toUpperCase() + source.slice(1);
}

/**
 * One result card in the grid. Links are checked before they are rendered: a result whose links are all unsafe
 * renders without an `href` (and its click handler never navigates).
 */
export function renderResultCard(options: {
  result: SearchResult;
  /** Position in the list: "load more" moves focus to the first new card by it. */
  index: number;
  strings: FtfStrings;
  locale: string;
  openInApp: boolean;
  onOpen: (event: MouseEvent, result: SearchResult) => void;
  onMoreLikeThis: (result: SearchResult) => void;
}) {
  const { result, strings: t } = options;
  const meta = [
    result.size ? `${t.size} ${result.size}` : '',
    result.brand ?? '',
    result.condition ? t.conditions[result.condition] : '',
  ].filter(Boolean);
  const percent = Math.round(Math.max(0, Math.min(1, result.score)) * 100);
  const href = resultHref(result, options.openInApp);
  const imageUrl = safeWebUrl(result.imageUrl);
  const newTab = href !== undefined && href === result.url;
  return html`<li data-index=${options.index}>
    <article class="card" part="result">
      <div class="thumb">
        ${
          imageUrl
            ? html`<img src=${imageUrl} alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer" />`
            : nothing
        }
        <span class="badge">${marketplaceName(result.source)}</span>
      </div>
      <div class="body">
        <h4 class="title">
          <a
            part="result-link"
            href=${href ?? nothing}
            target=${newTab ? '_blank' : nothing}
            rel="noopener noreferrer"
            @click=${(event: MouseEvent) => options.onOpen(event, result)}
            >${result.title}</a
          >
        </h4>
        ${result.price ? html`<p class="price">${formatPrice(result.price, options.locale)}</p>` : nothing}
        ${meta.length ? html`<p class="meta">${meta.join(' · ')}</p>` : nothing}
        <p class="score">${fill(t.similarity, { percent })}</p>
        <button
          class="more"
          part="more-like-this"
          aria-label=${fill(t.moreLikeThisLabel, { title: result.title })}
          @click=${() => options.onMoreLikeThis(result)}
        >
          ${t.moreLikeThis}
        </button>
      </div>
    </article>
  </li>`;
}
