import { ConfigError } from './config-error.js';

/** The Standard Schema interface (standardschema.dev), which zod, valibot and arktype implement. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}
type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/** One setting: how its raw value (undefined when unset) is parsed and defaulted, and what it means. */
export interface Setting<T = unknown> {
  schema: StandardSchemaV1<unknown, T>;
  doc: string;
  /** The default as the docs say it, when the parsed "unset" value does not say it well (`(store default)`). */
  defaultDoc?: string;
  /** Earlier names of this variable: still read, with a one-time deprecation warning. */
  formerNames?: readonly string[];
}

// biome-ignore lint/suspicious/noExplicitAny: a table holds settings of every value type
export type SettingsTable = Record<string, Setting<any>>;

/** The typed values a table yields. */
export type SettingValues<T extends SettingsTable> = {
  [K in keyof T]: NonNullable<T[K]['schema']['~standard']['types']>['output'];
};

function validate<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): StandardResult<T> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new TypeError('Settings schemas must validate synchronously.');
  return result;
}

const pathOf = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string =>
  (path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');

/**
 * Parses every setting of `table` from `lookup(name)` (undefined = unset: the schema applies the default).
 * @throws {ConfigError} naming every bad setting at once (messages come from the schemas, never the values).
 */
export function readSettings<T extends SettingsTable>(
  table: T,
  lookup: (name: string) => unknown,
  heading?: string,
): SettingValues<T> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, setting] of Object.entries(table)) {
    const result = validate(setting.schema, lookup(name));
    if (result.issues) {
      for (const issue of result.issues) {
        const at = pathOf(issue.path);
        problems.push(`${name}${at ? `.${at}` : ''}: ${issue.message}`);
      }
    } else values[name] = result.value;
  }
  if (problems.length > 0) throw new ConfigError(problems, heading);
  return values as SettingValues<T>;
}

export type EnvSource = Record<string, string | undefined>;

const warned = new Set<string>();

/** Node's process, where there is one (this module must load in a browser bundle too without crashing). */
const nodeProcess = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process;

function warnRenamed(former: string, current: string, ignored: boolean): void {
  if (warned.has(former)) return;
  warned.add(former);
  const message = ignored
    ? `${former} is ignored because ${current} is also set; ${former} was renamed ${current}.`
    : `${former} was renamed ${current}; the old name still works for now. Please rename it.`;
  nodeProcess?.emitWarning?.(message, { type: 'DeprecationWarning', code: 'FTF_RENAMED_SETTING' });
}

/**
 * Reads a table from environment variables. Blank values count as unset (`PORT= pnpm serve` means the
 * default). A variable set only under a former name is read from there, with one deprecation warning per
 * process (Node's `DeprecationWarning`, printed once on stderr).
 */
export function readEnv<T extends SettingsTable>(table: T, env: EnvSource, heading?: string): SettingValues<T> {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  return readSettings(
    table,
    (name) => {
      const value = read(name);
      for (const former of table[name]?.formerNames ?? []) {
        if (read(former) === undefined) continue;
        warnRenamed(former, name, value !== undefined);
        if (value === undefined) return read(former);
      }
      return value;
    },
    heading,
  );
}

const asText: StandardSchemaV1<unknown, string | undefined> = {
  '~standard': { version: 1, vendor: 'find-this-fit', validate: (value) => ({ value: value as string | undefined }) },
};

/**
 * One renamed variable outside a table (tools that read a single folder path): its value under `name`, else
 * under a former name with the same one-time deprecation warning as `readEnv`; blank counts as unset.
 */
export function readRenamedEnv(env: EnvSource, name: string, formerNames: readonly string[]): string | undefined {
  return readEnv({ [name]: { schema: asText, doc: '', formerNames } }, env)[name];
}

/** The default as documented: `defaultDoc`, else what the schema makes of "unset" (`(unset)`, `(none)` for []). */
export function defaultOf(setting: Setting): string {
  if (setting.defaultDoc !== undefined) return setting.defaultDoc;
  const result = validate(setting.schema, undefined);
  if (result.issues) return '**required**';
  const value = result.value;
  if (value === undefined) return '(unset)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(',');
  return String(value);
}

const docOf = (setting: Setting): string =>
  setting.formerNames?.length ? `${setting.doc} (formerly ${setting.formerNames.join(', ')})` : setting.doc;

/** `--help` lines: `  NAME  meaning (default: X)`, names padded to `width`. */
export function formatSettingsHelp(table: SettingsTable, width = 26): string {
  return Object.entries(table)
    .map(([name, setting]) => `  ${name.padEnd(width)} ${docOf(setting)} (default: ${defaultOf(setting)})`)
    .join('\n');
}

/** The README row of one setting, `| \`NAME\` | default | meaning |`: docs checks compare these. */
export const markdownRow = (name: string, setting: Setting): string =>
  `| \`${name}\` | ${defaultOf(setting)} | ${docOf(setting)} |`;
