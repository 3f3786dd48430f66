import { z } from 'zod';

/**
 * The assessor's report as data: what `goldsmith report --format json`
 * writes, and what the HTML renderer reads. Both renderers take this one
 * model, so the page and the JSON can never disagree.
 */

/** The version tag of the report's JSON. */
export const REPORT_FORMAT = 'goldsmith.report/v1';

const requester = z.object({ source: z.string(), user: z.string() });
const finding = z.object({ record: z.string(), file: z.string(), message: z.string(), severity: z.enum(['error', 'notice']) });

/** The four-eyes result of one change: `fail` is an approval by nobody or by the requester only. */
export const fourEyesSchema = z.object({
  result: z.enum(['pass', 'fail', 'not-applicable']),
  detail: z.string(),
});

/** One change of the period: a build, a promotion or a rollback, with its evidence and its verdict. */
export const reportChangeSchema = z.object({
  record: z.string(),
  action: z.enum(['build', 'promote', 'rollback']),
  /** When the change took effect (the build or promotion finished), ISO 8601 UTC. */
  at: z.string(),
  line: z.string().nullable(),
  requester: requester.nullable(),
  approvers: z.array(requester),
  four_eyes: fourEyesSchema,
  /** SHA-256 of the record's SHA256SUMS: the digest its signature, the next PREV and any approval bind. */
  sums_sha256: z.string().nullable(),
  signer: z.object({ identity: z.string(), fingerprint: z.string() }).nullable(),
  verdict: z.object({ ok: z.boolean(), on_chain: z.boolean(), findings: z.array(finding) }),
  /** The image checklist's results (run.json `checks`); null when the record holds none. */
  checks: z.array(z.object({ name: z.string(), result: z.string(), detail: z.string() })).nullable(),
  /** For a promotion or rollback: the build record it put live. */
  build: z.object({ record: z.string(), sums_sha256: z.string() }).nullable(),
  pull_request: z.string().nullable(),
  /** The revocation in force for this build (or for the build a promotion put live); null when none. */
  revoked: z.object({ record: z.string(), at: z.string(), by: z.string(), reason: z.string() }).nullable(),
});

export const reportRevocationSchema = z.object({
  record: z.string(),
  action: z.enum(['revoke', 'unrevoke']),
  at: z.string(),
  line: z.string(),
  requester: requester,
  reason: z.string(),
  build: z.object({ record: z.string(), sums_sha256: z.string() }),
});

export const reportControlSchema = z.object({
  id: z.string(),
  framework: z.string(),
  title: z.string(),
  asks: z.string(),
  evidence: z.array(z.string()),
});

export const reportModelSchema = z.object({
  format: z.literal(REPORT_FORMAT),
  generated_at: z.string(),
  goldsmith_version: z.string(),
  records_dir: z.string(),
  /** Inclusive UTC days, YYYY-MM-DD; null for an open end. */
  period: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  population: z.object({ total: z.number(), builds: z.number(), promotions: z.number(), rollbacks: z.number() }),
  four_eyes: z.object({ checked: z.number(), passed: z.number(), failed: z.number() }),
  revoked: z.number(),
  changes: z.array(reportChangeSchema),
  revocations: z.array(reportRevocationSchema),
  /**
   * Each line's live template (the build its newest promotion record names) as of `as_of`, its age, and
   * whether it is older than the line's max_age_days; only with --matrix (`matrix` null otherwise).
   */
  templates: z.object({
    matrix: z.string().nullable(),
    as_of: z.string(),
    lines: z.array(
      z.object({
        line: z.string(),
        live_build: z.string().nullable(),
        age_days: z.number().nullable(),
        max_age_days: z.number().nullable(),
        expired: z.boolean(),
        revoked: z.boolean(),
      }),
    ),
  }),
  /** `goldsmith audit`'s verdict over the whole folder: the same numbers as `goldsmith audit --json`. */
  audit: z.object({
    ok: z.boolean(),
    // Loose: whatever the audit's summary gains (a count of a new record kind) is kept, so the numbers stay the audit's.
    summary: z.looseObject({
      records: z.number(),
      init: z.number(),
      builds: z.number(),
      promotions: z.number(),
      findings: z.number(),
      recordsWithFindings: z.number(),
      otherFindings: z.number(),
      signersChecked: z.boolean(),
    }),
    findings: z.array(finding),
    notices: z.array(finding),
  }),
  chain: z.object({
    records: z.number(),
    length: z.number(),
    head: z.object({ record: z.string(), sums_sha256: z.string() }).nullable(),
    intact: z.boolean(),
  }),
  signers: z.object({
    checked: z.boolean(),
    allowed_signers: z.string().nullable(),
    keys: z.array(z.object({ identity: z.string(), fingerprint: z.string(), records: z.number() })),
  }),
  controls: z.array(reportControlSchema),
  verify: z.array(z.object({ title: z.string(), explain: z.string(), commands: z.string() })),
});

export type ReportModel = z.infer<typeof reportModelSchema>;
export type ReportChange = z.infer<typeof reportChangeSchema>;
export type ReportRevocation = z.infer<typeof reportRevocationSchema>;
export type ReportTemplates = ReportModel['templates'];
export type ReportControl = z.infer<typeof reportControlSchema>;
export type FourEyes = z.infer<typeof fourEyesSchema>;
