import type { z } from 'zod';
import { dsseEnvelopeSchema, IN_TOTO_PAYLOAD_TYPE } from './dsse.js';
import { provenanceStatementSchema, type ResourceDescriptor } from './provenance-schema.js';

/** The artifact a build record describes, as Packer's provenance must name it. */
export interface ExpectedArtifact {
  /** The image file the build made (QEMU lane): Packer's subjects are its files, by SHA-256. */
  image?: { file: string; sha256: string } | undefined;
  /** Packer's artifact id (the manifest's `artifact_id`): a build without files is named `<builder id>:<artifact id>`. */
  artifactId: string | null;
}

/** What goldsmith keeps in run.json of Packer's provenance (`packer_provenance`). */
export interface PackerProvenanceFacts {
  /** True for a DSSE envelope (Packer signed it), false for a bare Statement (`signing_mode = "none"`). */
  signed: boolean;
  build_type: string;
  builder_id: string;
  subjects: string[];
}

export type CheckedPackerProvenance = { ok: true; facts: PackerProvenanceFacts } | { ok: false; problems: string[] };

function issuesOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
}

/** The statement inside: the envelope's payload when Packer signed it, else the file itself. */
function statementOf(value: unknown): { signed: boolean; statement: unknown } | string {
  if (typeof value === 'object' && value !== null && 'payloadType' in value) {
    const envelope = dsseEnvelopeSchema.safeParse(value);
    if (!envelope.success) return `is not a DSSE envelope of an in-toto statement (${issuesOf(envelope.error)})`;
    if (envelope.data.payloadType !== IN_TOTO_PAYLOAD_TYPE) return `is not a DSSE envelope of an in-toto statement (payloadType: "${envelope.data.payloadType}", not "${IN_TOTO_PAYLOAD_TYPE}")`;
    try {
      return { signed: true, statement: JSON.parse(Buffer.from(envelope.data.payload, 'base64').toString('utf8')) };
    } catch (error) {
      return `holds a DSSE payload that is not JSON (${(error as Error).message})`;
    }
  }
  return { signed: false, statement: value };
}

/** Why a subject is not the artifact the record describes; undefined when it is. */
/** A subject as Packer names it (a file's base name, or `<builder id>:<artifact id>`). */
const nameOf = (subject: ResourceDescriptor): string => subject.name ?? subject.uri ?? '(unnamed)';

function subjectProblem(subject: ResourceDescriptor, expected: ExpectedArtifact): string | undefined {
  const name = nameOf(subject);
  if (expected.image) {
    const digest = subject.digest?.sha256?.toLowerCase();
    if (digest === expected.image.sha256) return undefined;
    return `names ${name} with SHA-256 ${digest ?? '(none)'}, but the image this build made, ${expected.image.file}, has SHA-256 ${expected.image.sha256}`;
  }
  if (expected.artifactId === null) return `names ${name}, but the build names no Packer artifact to compare it with (no manifest artifact_id)`;
  if (name.endsWith(`:${expected.artifactId}`)) return undefined;
  return `names ${name}, but the artifact this build made is ${expected.artifactId}`;
}

/**
 * Reads Packer's own provenance (the `provenance` post-processor's sidecar,
 * signed or not) and checks that it names the artifact goldsmith records:
 * every subject is the image, by SHA-256, where the build made an image
 * file; otherwise `<builder id>:<artifact id>` with the manifest's artifact
 * id. Packer's signature is not verified here (its key is the team's own;
 * `packer verify-attestation` checks it, docs/assessor.md).
 *
 * @example
 * const checked = checkPackerProvenance(readFileSync('image.provenance.json'), { image: { file: 'x.qcow2', sha256 }, artifactId: null });
 * if (!checked.ok) throw new Error(checked.problems.join('; '));
 */
export function checkPackerProvenance(bytes: Buffer, expected: ExpectedArtifact): CheckedPackerProvenance {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { ok: false, problems: [`is not JSON (${(error as Error).message})`] };
  }
  const inner = statementOf(value);
  if (typeof inner === 'string') return { ok: false, problems: [inner] };
  const parsed = provenanceStatementSchema.safeParse(inner.statement);
  if (!parsed.success) return { ok: false, problems: [`is not an in-toto Statement v1 with SLSA provenance v1 (${issuesOf(parsed.error)})`] };
  const statement = parsed.data;
  const problems = statement.subject.map((subject) => subjectProblem(subject, expected)).filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    facts: {
      signed: inner.signed,
      build_type: statement.predicate.buildDefinition.buildType,
      builder_id: statement.predicate.runDetails.builder.id,
      subjects: statement.subject.map(nameOf),
    },
  };
}
