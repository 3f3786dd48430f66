import { describe, expect, it } from 'vitest';
import { dueScheduledRun, nextScheduledRun, type Schedule } from '../../src/pipeline/next-scheduled-run.js';

const saturday: Schedule = { enabled: true, day: 'saturday', time: '02:00', lines: 'all' };
const at = (iso: string) => new Date(iso);

describe('nextScheduledRun', () => {
  it('is the next weekday at the time, in UTC', () => {
    // 2026-03-02 is a Monday.
    expect(nextScheduledRun(saturday, at('2026-03-02T12:00:00Z'))).toEqual(at('2026-03-07T02:00:00Z'));
    expect(nextScheduledRun(saturday, at('2026-03-07T01:59:59Z'))).toEqual(at('2026-03-07T02:00:00Z'));
    expect(nextScheduledRun(saturday, at('2026-03-07T02:00:00Z'))).toEqual(at('2026-03-14T02:00:00Z'));
    expect(nextScheduledRun({ ...saturday, day: 'sunday', time: '23:30' }, at('2026-03-07T02:00:00Z'))).toEqual(at('2026-03-08T23:30:00Z'));
    expect(nextScheduledRun({ ...saturday, day: 'monday', time: '00:00' }, at('2026-12-31T10:00:00Z'))).toEqual(at('2027-01-04T00:00:00Z'));
  });

  it('is undefined when the schedule is disabled', () => {
    expect(nextScheduledRun({ ...saturday, enabled: false }, at('2026-03-02T12:00:00Z'))).toBeUndefined();
  });
});

describe('dueScheduledRun', () => {
  it('is due once the slot has passed since the last run, and not again', () => {
    const lastWeek = at('2026-02-28T02:00:00Z');
    expect(dueScheduledRun(saturday, at('2026-03-07T01:59:00Z'), lastWeek)).toBeUndefined();
    expect(dueScheduledRun(saturday, at('2026-03-07T02:00:00Z'), lastWeek)).toEqual(at('2026-03-07T02:00:00Z'));
    expect(dueScheduledRun(saturday, at('2026-03-07T02:00:30Z'), at('2026-03-07T02:00:00Z'))).toBeUndefined();
  });

  it('runs the newest slot missed while down, once, never a backlog', () => {
    expect(dueScheduledRun(saturday, at('2026-03-18T09:00:00Z'), at('2026-02-28T02:00:00Z'))).toEqual(at('2026-03-14T02:00:00Z'));
  });

  it('waits for the next slot on a first start, and never runs when disabled', () => {
    expect(dueScheduledRun(saturday, at('2026-03-07T02:00:30Z'), null)).toBeUndefined();
    expect(dueScheduledRun({ ...saturday, enabled: false }, at('2026-03-07T02:00:30Z'), at('2026-02-01T00:00:00Z'))).toBeUndefined();
  });
});
