import type { Condition } from '@find-this-fit/sdk';

/** Every word the widget shows. Hosts replace any of them through the `strings` property. */
export interface FtfStrings {
  heading: string;
  choosePhoto: string;
  takePhoto: string;
  dropHint: string;
  pasteHint: string;
  photoAlt: string;
  cropLabel: string;
  cropHelp: string;
  /** What screen readers call the crop box (its `aria-roledescription`). */
  cropBoxRole: string;
  /** The crop box's accessible name: `{label}` (`cropLabel`), `{left}`, `{top}`, `{width}`, `{height}` are replaced. */
  cropPosition: string;
  searchSelection: string;
  resetCrop: string;
  refineLabel: string;
  refinePlaceholder: string;
  refineButton: string;
  clearRefine: string;
  loadingModel: string;
  /** `{loaded}`, `{total}`, `{percent}` are replaced. */
  loadingModelBytes: string;
  preparingPhoto: string;
  searching: string;
  /** `{count}` is replaced. */
  resultsFound: string;
  resultsHeading: string;
  noMatchTitle: string;
  noMatchBody: string;
  moreLikeThis: string;
  /** `{title}` is replaced. Starts with `moreLikeThis`: the accessible name must contain the visible text. */
  moreLikeThisLabel: string;
  similarHeading: string;
  backToPhoto: string;
  loadMore: string;
  filters: string;
  priceMin: string;
  priceMax: string;
  size: string;
  brand: string;
  condition: string;
  any: string;
  applyFilters: string;
  clearFilters: string;
  /** `{percent}` is replaced. */
  similarity: string;
  conditions: Record<Condition, string>;
  retry: string;
  dismiss: string;
  errorNetwork: string;
  errorModelMismatch: string;
  /** `{seconds}` is replaced. */
  errorRateLimited: string;
  errorUnavailable: string;
  errorAuth: string;
  errorNotAnImage: string;
  errorTooLarge: string;
  errorModelLoad: string;
  errorGeneric: string;
  poweredBy: string;
}

export const EN: FtfStrings = {
  heading: 'Find this fit',
  choosePhoto: 'Choose a photo',
  takePhoto: 'Take a photo',
  dropHint: 'or drop a photo here',
  pasteHint: 'You can also paste an image.',
  photoAlt: 'Your photo',
  cropLabel: 'Selected area',
  cropHelp: 'Drag to select the garment. With the keyboard: arrow keys move the box, Shift + arrow keys resize it.',
  cropBoxRole: 'crop box',
  cropPosition: '{label}: {left} from the left, {top} from the top, {width} wide, {height} high',
  searchSelection: 'Search this area',
  resetCrop: 'Whole photo',
  refineLabel: 'Refine with words',
  refinePlaceholder: 'e.g. in black',
  refineButton: 'Refine',
  clearRefine: 'Clear',
  loadingModel: 'Getting the image model ready…',
  loadingModelBytes: 'Downloading the image model: {loaded} of {total} ({percent}%)',
  preparingPhoto: 'Preparing your photo…',
  searching: 'Looking for similar items…',
  resultsFound: '{count} similar items found',
  resultsHeading: 'Similar items',
  noMatchTitle: 'No good match found',
  noMatchBody: 'Nothing in the catalogue looks close enough. Try another photo, or select just the garment.',
  moreLikeThis: 'More like this',
  moreLikeThisLabel: 'More like this: {title}',
  similarHeading: 'More like this',
  backToPhoto: 'Back to my photo',
  loadMore: 'Load more',
  filters: 'Filters',
  priceMin: 'Min price',
  priceMax: 'Max price',
  size: 'Size',
  brand: 'Brand',
  condition: 'Condition',
  any: 'Any',
  applyFilters: 'Apply',
  clearFilters: 'Clear filters',
  similarity: '{percent}% match',
  conditions: { new: 'New', like_new: 'Like new', excellent: 'Excellent', good: 'Good', fair: 'Fair', poor: 'Poor' },
  retry: 'Try again',
  dismiss: 'Dismiss',
  errorNetwork: 'We couldn’t reach the search service. Check your connection and try again.',
  errorModelMismatch:
    'This shop’s search was just updated, so the results would not match. Reload the page to get the new version.',
  errorRateLimited: 'Too many searches in a short time. Please wait {seconds} seconds and try again.',
  errorUnavailable: 'The search is busy or under maintenance right now. Please try again in a moment.',
  errorAuth: 'This search isn’t set up correctly on this site, so it can’t run. The shop has been told.',
  errorNotAnImage: 'That file isn’t a photo we can read. Try a JPEG, PNG or WebP image.',
  errorTooLarge: 'That photo is too large. Try a smaller one or a screenshot.',
  errorModelLoad: 'The image model couldn’t be loaded on this device. Please try again.',
  errorGeneric: 'Something went wrong. Please try again.',
  poweredBy: 'Visual search by Find This Fit',
};

export const FR: FtfStrings = {
  heading: 'Trouver cette tenue',
  choosePhoto: 'Choisir une photo',
  takePhoto: 'Prendre une photo',
  dropHint: 'ou déposez une photo ici',
  pasteHint: 'Vous pouvez aussi coller une image.',
  photoAlt: 'Votre photo',
  cropLabel: 'Zone sélectionnée',
  cropHelp:
    'Faites glisser pour sélectionner le vêtement. Au clavier : les flèches déplacent le cadre, Maj + flèches le redimensionnent.',
  cropBoxRole: 'cadre de sélection',
  cropPosition: '{label} : {left} depuis la gauche, {top} depuis le haut, {width} de large, {height} de haut',
  searchSelection: 'Chercher cette zone',
  resetCrop: 'Photo entière',
  refineLabel: 'Préciser avec des mots',
  refinePlaceholder: 'ex. en noir',
  refineButton: 'Préciser',
  clearRefine: 'Effacer',
  loadingModel: 'Préparation du modèle d’image…',
  loadingModelBytes: 'Téléchargement du modèle d’image : {loaded} sur {total} ({percent} %)',
  preparingPhoto: 'Préparation de votre photo…',
  searching: 'Recherche d’articles similaires…',
  resultsFound: '{count} articles similaires trouvés',
  resultsHeading: 'Articles similaires',
  noMatchTitle: 'Aucun article assez proche',
  noMatchBody:
    'Rien dans le catalogue ne ressemble assez. Essayez une autre photo ou sélectionnez seulement le vêtement.',
  moreLikeThis: 'Plus comme ça',
  moreLikeThisLabel: 'Plus comme ça : {title}',
  similarHeading: 'Plus comme ça',
  backToPhoto: 'Revenir à ma photo',
  loadMore: 'Voir plus',
  filters: 'Filtres',
  priceMin: 'Prix min',
  priceMax: 'Prix max',
  size: 'Taille',
  brand: 'Marque',
  condition: 'État',
  any: 'Tous',
  applyFilters: 'Appliquer',
  clearFilters: 'Effacer les filtres',
  similarity: 'Ressemblance {percent} %',
  conditions: {
    new: 'Neuf',
    like_new: 'Comme neuf',
    excellent: 'Excellent',
    good: 'Bon',
    fair: 'Correct',
    poor: 'Usé',
  },
  retry: 'Réessayer',
  dismiss: 'Fermer',
  errorNetwork: 'Impossible de joindre le service de recherche. Vérifiez votre connexion et réessayez.',
  errorModelMismatch:
    'La recherche de cette boutique vient d’être mise à jour : les résultats ne correspondraient pas. Rechargez la page.',
  errorRateLimited: 'Trop de recherches en peu de temps. Attendez {seconds} secondes et réessayez.',
  errorUnavailable: 'La recherche est occupée ou en maintenance. Réessayez dans un instant.',
  errorAuth: 'La recherche n’est pas configurée correctement sur ce site.',
  errorNotAnImage: 'Ce fichier n’est pas une photo lisible. Essayez une image JPEG, PNG ou WebP.',
  errorTooLarge: 'Cette photo est trop grande. Essayez une image plus petite ou une capture d’écran.',
  errorModelLoad: 'Le modèle d’image n’a pas pu être chargé sur cet appareil. Réessayez.',
  errorGeneric: 'Une erreur est survenue. Réessayez.',
  poweredBy: 'Recherche visuelle par Find This Fit',
};

const BUILT_IN: Record<string, FtfStrings> = { en: EN, fr: FR };

/** Built-in strings for a BCP 47 tag (`fr-CA` → French), English otherwise, with the host's overrides on top. */
export function stringsFor(lang: string, overrides: Partial<FtfStrings> = {}): FtfStrings {
  const base = BUILT_IN[lang.toLowerCase().split('-')[0] ?? 'en'] ?? EN;
  return { ...base, ...overrides, conditions: { ...base.conditions, ...overrides.conditions } };
}

/** Replaces `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => (key in values ? String(values[key]) : match));
}
