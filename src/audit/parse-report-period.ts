import { z } from 'zod';
import { AuditInputError } from './audit-input-error.js';

/** A report period: inclusive UTC days, as given, and the instants that bound them. */
export interface ReportPeriod {
  from: string | null;
  to: string | null;
  /** First millisecond of `from` (UTC), or -Infinity. */
  start: number;
  /** First millisecond after `to` (UTC), or Infinity. */
  end: number;
}

const day = (option: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${option} must be a day as YYYY-MM-DD (UTC), for example 2026-01-31`)
    .refine((text) => {
      const date = new Date(`${text}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
    }, `${option} is not a calendar day: check the month (01-12) and the day of the month`)
    .optional();

const periodSchema = z
  .object({ from: day('--from'), to: day('--to') })
  .refine((period) => !period.from || !period.to || period.from <= period.to, '--from is after --to: give the earlier day first');

/**
 * Validates `--from` and `--to` (YYYY-MM-DD, UTC, both inclusive; either may
 * be left out). Throws AuditInputError naming the option and the fix.
 *
 * @example
 * parseReportPeriod({ from: '2026-10-01', to: '2026-12-31' }).end // Date.parse('2027-01-01T00:00:00Z')
 */
export function parseReportPeriod(input: { from?: string; to?: string }): ReportPeriod {
  const parsed = periodSchema.safeParse({ from: input.from, to: input.to });
  if (!parsed.success) throw new AuditInputError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const { from, to } = parsed.data;
  return {
    from: from ?? null,
    to: to ?? null,
    start: from ? Date.parse(`${from}T00:00:00Z`) : -Infinity,
    end: to ? Date.parse(`${to}T00:00:00Z`) + 86_400_000 : Infinity,
  };
}
