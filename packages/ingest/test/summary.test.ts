import { describe, expect, it } from 'vitest';
import { EXIT_CODES, emptySummary, formatSummary, outcomeOf } from '../src/pipeline/summary.js';

describe('run outcome and summary line', () => {
  it('tells completed, partial and failed apart, each with its own exit status', () => {
    const done = { completed: true, pages: 3 };
    const stopped = { completed: false, pages: 1, error: 'circuit open', reason: 'circuit_open' };
    expect(outcomeOf({ a: done, b: done })).toBe('completed');
    expect(outcomeOf({ a: done, b: stopped })).toBe('partial');
    expect(outcomeOf({ a: stopped, b: stopped })).toBe('failed');
    expect(EXIT_CODES).toEqual({ completed: 0, partial: 4, failed: 1 });
    // 2 (configuration), 3 (state locked) and 130 (interrupted) stay distinct from these.
    expect(new Set([...Object.values(EXIT_CODES), 2, 3, 130]).size).toBe(6);
  });

  it('names stopped sources with their reason and prints every count', () => {
    const summary = emptySummary(7, false);
    summary.outcome = 'partial';
    summary.stopped = [{ source: 'depop', reason: 'circuit_open: bot challenge' }];
    summary.sold = 2;
    summary.notModified = 5;
    summary.lastmodSkipped = 3;
    const line = formatSummary(summary);
    expect(line).toContain('run 7 partial: stopped depop (circuit_open: bot challenge)');
    expect(line).toContain('sold 2');
    expect(line).toContain('not modified (304) 5');
    expect(line).toContain('lastmod skips 3');
  });
});
