import { isDeepStrictEqual } from 'node:util';
import { PACKER_BUILD_TYPE, PROMOTION_BUILD_TYPE, templateSubjectOf } from '../evidence/build-provenance-statement.js';
import { dsseEnvelopeSchema, IN_TOTO_PAYLOAD_TYPE, verifyDsse } from '../evidence/dsse.js';
import { IMAGE_SUMS_FILE, PROVENANCE_FILE } from '../evidence/layout.js';
import { provenanceStatementSchema, type ResourceDescriptor } from '../evidence/provenance-schema.js';
import type { Run } from '../evidence/run-schema.js';
import { fingerprintOf, publicKeyFromBlob } from '../evidence/ssh-keys.js';
import { parseSshsig } from '../evidence/sshsig.js';
import type { FileProblem } from './verify-sums.js';

export interface ProvenanceInput {
  /** The bytes of provenance.intoto.json. */
  envelope: Buffer;
  /** SHA256SUMS.sig: its key (checked against allowed_signers by verifySignature) must have signed the envelope too. */
  signature: Buffer | undefined;
  run: Run | undefined;
  /** Digests of the record's files as they are now, by name (the log's when it could be hashed). */
  digests: ReadonlyMap<string, string>;
}

function issuesOf(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`).join('; ');
}

const names = (list: readonly ResourceDescriptor[] | undefined): string =>
  (list ?? []).map((item) => `${item.name ?? item.uri ?? '?'} (${item.digest?.sha256 ?? 'no SHA-256'})`).join(', ') || 'nothing';

const lists = (list: readonly ResourceDescriptor[] | undefined, name: string, sha256: string): boolean =>
  (list ?? []).some((item) => item.name === name && item.digest?.sha256 === sha256);

/**
 * Checks a record's provenance.intoto.json: a DSSE envelope signed by the
 * same key as SHA256SUMS.sig (keyid its SSH fingerprint), whose payload is an
 * in-toto Statement v1 with an SLSA provenance v1 predicate that agrees with
 * run.json (subjects, build type, the approved build) and with the record's
 * files (the log's digest among the byproducts). `digests` holds only
 * files that agree with SHA256SUMS: the others are findings already.
 *
 * @example
 * verifyProvenance({ envelope, signature, run, digests }) // [] when it verifies
 */
export function verifyProvenance(input: ProvenanceInput): FileProblem[] {
  const problem = (message: string): FileProblem => ({ file: PROVENANCE_FILE, message });
  let raw: unknown;
  try {
    raw = JSON.parse(input.envelope.toString('utf8'));
  } catch (error) {
    return [problem(`is not valid JSON (${(error as Error).message})`)];
  }
  const envelope = dsseEnvelopeSchema.safeParse(raw);
  if (!envelope.success) return [problem(`is not a DSSE envelope: ${issuesOf(envelope.error.issues)}`)];
  if (envelope.data.payloadType !== IN_TOTO_PAYLOAD_TYPE) return [problem(`has payloadType "${envelope.data.payloadType}", not "${IN_TOTO_PAYLOAD_TYPE}"`)];

  const problems: FileProblem[] = [];
  let key;
  try {
    key = input.signature ? parseSshsig(input.signature.toString('utf8')).publicBlob : undefined;
  } catch {
    key = undefined;
  }
  if (!key) problems.push(problem("cannot be checked: SHA256SUMS.sig, whose key must also sign the envelope, is missing or unreadable"));
  else {
    const fingerprint = fingerprintOf(key);
    const keyids = envelope.data.signatures.map((signature) => signature.keyid ?? '(none)');
    if (!verifyDsse(envelope.data, publicKeyFromBlob(key))) {
      problems.push(problem(`DSSE signature does not verify with the record's signing key ${fingerprint} (signed by keyid ${keyids.join(', ')}): the statement changed after signing, or another key signed it`));
    } else if (!keyids.includes(fingerprint)) {
      problems.push(problem(`names keyid ${keyids.join(', ')}, but it was signed with ${fingerprint}`));
    }
  }

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(envelope.data.payload, 'base64').toString('utf8'));
  } catch (error) {
    return [...problems, problem(`payload is not JSON (${(error as Error).message})`)];
  }
  const parsed = provenanceStatementSchema.safeParse(payload);
  if (!parsed.success) return [...problems, problem(`payload is not an in-toto Statement v1 with SLSA provenance v1: ${issuesOf(parsed.error.issues)}`)];
  const statement = parsed.data;
  const { run } = input;
  // Only builds and promotions carry provenance (layout.ts carriesProvenance); for others the signature check above is all.
  if (!run || (run.kind !== 'build' && run.kind !== 'promotion')) return problems;

  const { buildDefinition, runDetails } = statement.predicate;
  const expectedType = run.kind === 'build' ? PACKER_BUILD_TYPE : PROMOTION_BUILD_TYPE;
  if (buildDefinition.buildType !== expectedType) problems.push(problem(`has buildType ${buildDefinition.buildType}, but a ${run.kind} record's is ${expectedType}`));

  const subject = run.kind === 'build' && run.image ? { name: run.image.file, digest: { sha256: run.image.sha256 } } : templateSubjectOf(run);
  if (!lists(statement.subject, subject.name, subject.digest.sha256)) {
    problems.push(problem(`names the subject ${names(statement.subject)}, but run.json says ${subject.name} (${subject.digest.sha256})`));
  }
  const log = input.digests.get(run.log.path);
  if (log !== undefined && !lists(runDetails.byproducts, run.log.path, log)) problems.push(problem(`lists the byproducts ${names(runDetails.byproducts)}, but the record's ${run.log.path} has SHA-256 ${log}`));
  const imageSums = input.digests.get(IMAGE_SUMS_FILE);
  if (run.kind === 'build' && run.image?.checksum_file && imageSums && !lists(runDetails.byproducts, IMAGE_SUMS_FILE, imageSums)) {
    problems.push(problem(`does not list the record's ${IMAGE_SUMS_FILE} (${imageSums}) among its byproducts`));
  }
  const packer = run.kind === 'build' ? run.packer_provenance : undefined;
  if (packer && !lists(runDetails.byproducts, packer.file, packer.sha256)) problems.push(problem(`does not list Packer's own provenance ${packer.file} (${packer.sha256}) among its byproducts`));
  if (run.kind === 'promotion') {
    if (run.build && !(buildDefinition.resolvedDependencies ?? []).some((dep) => dep.digest?.sha256 === run.build!.sums_sha256)) {
      problems.push(problem(`does not name the approved build ${run.build.record} (SHA256SUMS ${run.build.sums_sha256}) among its resolvedDependencies`));
    }
    if (!isDeepStrictEqual(buildDefinition.externalParameters.approved_by, run.approved_by)) {
      problems.push(problem(`names approvers ${JSON.stringify(buildDefinition.externalParameters.approved_by ?? null)}, but run.json says ${JSON.stringify(run.approved_by)}`));
    }
  }
  return problems;
}
