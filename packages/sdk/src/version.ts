// Generated from package.json by scripts/write-versions.ts (`pnpm versions`); do not edit.
/** The version of @find-this-fit/sdk this code was built from. */
export const SDK_VERSION = '0.1.0';
