import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  defaultOf,
  formatSettingsHelp,
  LOG_LEVELS,
  markdownRow,
  readEnv,
  readRenamedEnv,
  readSettings,
  type SettingsTable,
} from '../../src/config/index.js';

const port = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return 8787;
    const n = Number(value);
    if (Number.isInteger(n) && n >= 0 && n <= 65535) return n;
    ctx.addIssue({ code: 'custom', message: `expected a port, got "${value}"` });
    return z.NEVER;
  });

const table = {
  PORT: { schema: port, doc: 'TCP port' },
  HOST: { schema: z.string().optional().default('127.0.0.1'), doc: 'interface' },
  KEYS: {
    schema: z
      .string()
      .optional()
      .transform((v) => (v ? v.split(',') : [])),
    doc: 'keys',
  },
  DIR: { schema: z.string().optional(), doc: 'a folder', formerNames: ['OLD_DIR'] },
  LEVEL: { schema: z.enum(LOG_LEVELS).optional().default('info'), doc: 'log level' },
  POOL: { schema: z.string().optional(), doc: 'pool size', defaultDoc: '10' },
} satisfies SettingsTable;

/** Collects the process's deprecation warnings while `fn` runs. */
async function warnings(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error & { code?: string }) => {
    if (warning.code === 'FTF_RENAMED_SETTING') seen.push(warning.message);
  };
  process.on('warning', listener);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('settings tables', () => {
  it('yield typed values with defaults; blank environment values count as unset', () => {
    const values = readEnv(table, { PORT: '9000', HOST: '  ', KEYS: 'a,b' });
    expect(values).toEqual({ PORT: 9000, HOST: '127.0.0.1', KEYS: ['a', 'b'], DIR: undefined, LEVEL: 'info' });
    const port: number = values.PORT; // typed from the schema
    expect(port).toBe(9000);
  });

  it('name every bad setting at once in one ConfigError', () => {
    let error: unknown;
    try {
      readEnv(table, { PORT: 'http', LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('PORT: expected a port, got "http"');
    expect(problems[1]).toMatch(/^LEVEL: /);
    expect(message).toBe(`Invalid configuration:\n  - ${problems[0]}\n  - ${problems[1]}`);
    expect(new ConfigError('one thing', 'Invalid ingest configuration').message).toBe(
      'Invalid ingest configuration: one thing',
    );
  });

  it('read a former name with one deprecation warning per process; the new name wins when both are set', async () => {
    const first = await warnings(() => {
      expect(readEnv(table, { OLD_DIR: '/models/a' }).DIR).toBe('/models/a');
      expect(readEnv(table, { OLD_DIR: '/models/b' }).DIR).toBe('/models/b');
      expect(readEnv(table, { DIR: '/new', OLD_DIR: '/old' }).DIR).toBe('/new');
    });
    expect(first).toEqual(['OLD_DIR was renamed DIR; the old name still works for now. Please rename it.']);
  });

  it('read one renamed variable outside a table, warning once', async () => {
    const seen = await warnings(() => {
      expect(readRenamedEnv({ OLD_ROOT: '/m' }, 'NEW_ROOT', ['OLD_ROOT'])).toBe('/m');
      expect(readRenamedEnv({ OLD_ROOT: '/m' }, 'NEW_ROOT', ['OLD_ROOT'])).toBe('/m');
      expect(readRenamedEnv({ NEW_ROOT: ' ' }, 'NEW_ROOT', ['OLD_ROOT'])).toBeUndefined();
    });
    expect(seen).toEqual(['OLD_ROOT was renamed NEW_ROOT; the old name still works for now. Please rename it.']);
  });

  it('give the --help lines and README rows from the same entries', () => {
    expect(defaultOf(table.PORT)).toBe('8787');
    expect(defaultOf(table.KEYS)).toBe('(none)');
    expect(defaultOf(table.DIR)).toBe('(unset)');
    expect(defaultOf(table.POOL)).toBe('10');
    expect(markdownRow('DIR', table.DIR)).toBe('| `DIR` | (unset) | a folder (formerly OLD_DIR) |');
    const help = formatSettingsHelp(table, 6).split('\n');
    expect(help[0]).toBe('  PORT   TCP port (default: 8787)');
    expect(help).toHaveLength(Object.keys(table).length);
  });

  it('also read other sources, such as a parsed config file, by name', () => {
    const file = { PORT: '1234' } as Record<string, unknown>;
    expect(readSettings({ PORT: table.PORT }, (name) => file[name]).PORT).toBe(1234);
  });
});
