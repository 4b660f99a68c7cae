import type { Condition, ListingStatus } from '@find-this-fit/sdk';

// Runtime copies of the sdk's union types, for CHECK constraints; `satisfies` + the exhaustiveness
// checks below break the build if the sdk's unions change.
export const CONDITIONS = [
  'new',
  'like_new',
  'excellent',
  'good',
  'fair',
  'poor',
] as const satisfies readonly Condition[];
export const STATUSES = ['active', 'sold', 'removed'] as const satisfies readonly ListingStatus[];

type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : never;
const conditionsComplete: Missing<Condition, (typeof CONDITIONS)[number]> = true;
const statusesComplete: Missing<ListingStatus, (typeof STATUSES)[number]> = true;
void conditionsComplete;
void statusesComplete;
