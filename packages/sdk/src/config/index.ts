/**
 * `@find-this-fit/sdk/config` — the one config idiom of the server and ingest: a table of settings, one entry
 * per variable (name → schema with its default → doc), from which the typed values, the `--help` text and the
 * README check all come. Schemas are any Standard Schema (zod 4 implements it), so this entry has no
 * dependency. Like `fastify/env-schema` or crawlee's `Configuration`, there is one table, not parallel lists.
 */
export { ConfigError } from './config-error.js';
export { LOG_LEVELS, type LogLevel } from './log-levels.js';
export {
  defaultOf,
  type EnvSource,
  formatSettingsHelp,
  markdownRow,
  readEnv,
  readRenamedEnv,
  readSettings,
  type Setting,
  type SettingsTable,
  type SettingValues,
  type StandardSchemaV1,
} from './settings.js';
