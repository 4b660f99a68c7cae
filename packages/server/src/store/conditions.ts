// The sdk owns the lists (the types derive from them); the store reads them for its CHECK constraints.
export { CONDITIONS, LISTING_STATUSES as STATUSES } from '@find-this-fit/sdk';
