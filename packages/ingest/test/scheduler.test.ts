import { describe, expect, it } from 'vitest';
import { startScheduler } from '../src/scheduler.js';
import { memoryLogger } from './helpers/fetcher.js';

describe('scheduler', () => {
  it('never runs two at once: ticks during a run are skipped and logged', async () => {
    const { logger, lines } = memoryLogger();
    let active = 0;
    let peak = 0;
    const scheduler = startScheduler({
      cron: '* * * * * *', // every second
      jitterMs: 0,
      logger,
      task: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2300)); // longer than two ticks
        active--;
      },
    });
    await new Promise((r) => setTimeout(r, 5600));
    await scheduler.stop();
    expect(peak).toBe(1);
    expect(scheduler.stats.maxConcurrent).toBe(1);
    expect(scheduler.stats.started).toBeGreaterThanOrEqual(2);
    expect(scheduler.stats.skipped).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => String(l.msg).includes('skipped'))).toBe(true);
  });

  it('waits a random jitter before each run and survives a failing run', async () => {
    const { logger } = memoryLogger();
    const ticks: number[] = []; // when the jitter was drawn, i.e. the tick
    const starts: number[] = [];
    let calls = 0;
    const scheduler = startScheduler({
      cron: '* * * * * *',
      jitterMs: 1000,
      random: () => {
        ticks.push(Date.now());
        return 0.4; // 400 ms
      },
      logger,
      task: async () => {
        starts.push(Date.now());
        calls++;
        if (calls === 1) throw new Error('boom');
      },
    });
    await new Promise((r) => setTimeout(r, 2700));
    await scheduler.stop();
    expect(scheduler.stats.failed).toBe(1);
    expect(scheduler.stats.finished).toBeGreaterThanOrEqual(1);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    starts.forEach((start, i) => {
      expect(start - (ticks[i] as number)).toBeGreaterThanOrEqual(390);
    });
  });

  it('rejects a bad cron expression and uses every 3 hours by default', async () => {
    const { logger } = memoryLogger();
    expect(() => startScheduler({ cron: 'every tuesday', logger, task: async () => {} })).toThrow(
      /Invalid cron expression/,
    );
    const scheduler = startScheduler({ logger, task: async () => {} });
    const next = scheduler.nextRun();
    expect(next?.getUTCMinutes()).toBe(0);
    expect((next?.getHours() ?? 1) % 3).toBe(0);
    await scheduler.stop();
  });
});
