import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/synthetic.js';
import { timestamptzToIso } from '../../src/store/pg-executor.js';

const pgParse = pg.types.getTypeParser(1184, 'text') as (text: string) => Date;

describe('timestamptz → ISO without a Date', () => {
  it("gives what pg's parser + toISOString gives, for every fraction length", () => {
    const random = seededRandom(1);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(random() * 4_000_000_000_000);
      const base = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
      const digits = Math.floor(random() * 7); // 0..6 fraction digits, as PostgreSQL prints them
      const fraction = digits === 0 ? '' : `.${String(Math.floor(random() * 10 ** digits)).padStart(digits, '0')}`;
      const text = `${base}${fraction}+00`;
      expect(timestamptzToIso(text)).toBe(pgParse(text).toISOString());
    }
  });

  it("leaves other spellings to pg's parser", () => {
    for (const text of [
      '2026-12-03 10:22:54.5+01',
      '2026-12-03 09:22:54+05:30',
      'infinity',
      '0044-03-15 12:00:00+00 BC',
    ]) {
      const parsed = timestamptzToIso(text);
      expect(typeof parsed).not.toBe('string');
      expect(String(parsed)).toBe(String(pgParse(text)));
    }
  });
});
