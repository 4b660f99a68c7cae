// Generated from package.json by scripts/write-versions.ts (`pnpm versions`); do not edit.
/** The version of @find-this-fit/widget this code was built from. */
export const WIDGET_VERSION = '0.1.0';
