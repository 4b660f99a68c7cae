import { CONDITIONS, type Condition, type SearchFilters, type SearchResult } from '@find-this-fit/sdk';
import { html, nothing } from 'lit';
import { toMinorUnits } from '../../internal/format.js';
import type { FtfStrings } from '../../internal/strings.js';

// The filters panel: what the shopper typed (a `FilterForm` of strings, as the form holds them), the choices the
// results offer (`Facets`), the API filters both make, and the panel's template.

/** The filter form's fields as typed; '' is "any". */
export interface FilterForm {
  min: string;
  max: string;
  size: string;
  brand: string;
  condition: string;
}

/** Sizes, brands and the currency seen in results: the choices the filters offer. */
export interface Facets {
  sizes: string[];
  brands: string[];
  currency: string | undefined;
}

export const NO_FILTERS: FilterForm = Object.freeze({ min: '', max: '', size: '', brand: '', condition: '' });
export const NO_FACETS: Facets = Object.freeze({ sizes: [], brands: [], currency: undefined }) as Facets;

export function isEmpty(form: FilterForm): boolean {
  return !form.min && !form.max && !form.size && !form.brand && !form.condition;
}

/** The facets of a result list; sizes and brands sorted for people ("S, M, L" by collation, "10" after "9"). */
export function facetsOf(results: readonly SearchResult[]): Facets {
  const sizes = new Set<string>();
  const brands = new Set<string>();
  const currencies = new Map<string, number>();
  for (const r of results) {
    if (r.size) sizes.add(r.size);
    if (r.brand) brands.add(r.brand);
    if (r.price) currencies.set(r.price.currency, (currencies.get(r.price.currency) ?? 0) + 1);
  }
  const currency = [...currencies.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return { sizes: [...sizes].sort(collator.compare), brands: [...brands].sort(collator.compare), currency };
}

/**
 * The API's filters for a form. Prices count only with a currency (the results' most common one) and are sent in
 * its minor units; an empty form gives `{}`, so the search body carries no `filters` at all.
 */
export function toSearchFilters(form: FilterForm, currency: string | undefined): { filters?: SearchFilters } {
  const filters: SearchFilters = {};
  const min = form.min === '' ? undefined : Number(form.min);
  const max = form.max === '' ? undefined : Number(form.max);
  const hasMin = min !== undefined && Number.isFinite(min);
  const hasMax = max !== undefined && Number.isFinite(max);
  if (currency && (hasMin || hasMax)) {
    filters.price = { currency };
    if (hasMin) filters.price.min = toMinorUnits(min, currency);
    if (hasMax) filters.price.max = toMinorUnits(max, currency);
  }
  if (form.size) filters.sizes = [form.size];
  if (form.brand) filters.brands = [form.brand];
  if (form.condition) filters.conditions = [form.condition as Condition];
  return Object.keys(filters).length === 0 ? {} : { filters };
}

/** Reads a submitted filters form. */
export function readFilterForm(form: HTMLFormElement): FilterForm {
  const data = new FormData(form);
  const value = (name: keyof FilterForm) => String(data.get(name) ?? '').trim();
  return {
    min: value('min'),
    max: value('max'),
    size: value('size'),
    brand: value('brand'),
    condition: value('condition'),
  };
}

/** The filters panel (open while any filter is set). */
export function renderFilters(options: {
  form: FilterForm;
  facets: Facets;
  strings: FtfStrings;
  onApply: (event: SubmitEvent) => void;
  onClear: () => void;
}) {
  const { form, facets, strings: t } = options;
  const active = !isEmpty(form);
  const currency = facets.currency ? ` (${facets.currency})` : '';
  const pairs = (values: string[]) => values.map((v) => [v, v] as const);
  return html`<details class="filters" part="filters" ?open=${active}>
    <summary>${t.filters}</summary>
    <form @submit=${options.onApply}>
      <div class="filter-grid">
        <label
          >${t.priceMin}${currency}
          <input name="min" type="number" min="0" step="any" inputmode="decimal" .value=${form.min} ?disabled=${!facets.currency}
        /></label>
        <label
          >${t.priceMax}${currency}
          <input name="max" type="number" min="0" step="any" inputmode="decimal" .value=${form.max} ?disabled=${!facets.currency}
        /></label>
        ${renderSelect('size', t.size, pairs(facets.sizes), form.size, t)}
        ${renderSelect('brand', t.brand, pairs(facets.brands), form.brand, t)}
        ${renderSelect(
          'condition',
          t.condition,
          CONDITIONS.map((c) => [c, t.conditions[c]] as const),
          form.condition,
          t,
        )}
      </div>
      <div class="row" style="justify-content:flex-start">
        <button class="primary" type="submit">${t.applyFilters}</button>
        ${active ? html`<button type="button" @click=${options.onClear}>${t.clearFilters}</button>` : nothing}
      </div>
    </form>
  </details>`;
}

function renderSelect(
  name: string,
  label: string,
  choices: readonly (readonly [value: string, text: string])[],
  selected: string,
  t: FtfStrings,
) {
  return html`<label
    >${label}
    <select name=${name}>
      <option value="" ?selected=${selected === ''}>${t.any}</option>
      ${choices.map(([value, text]) => html`<option value=${value} ?selected=${value === selected}>${text}</option>`)}
    </select></label
  >`;
}
