import { z } from 'zod';

/**
 * The in-toto Statement v1 with an SLSA provenance v1 predicate, as goldsmith
 * reads it back (in-toto/attestation spec/v1/statement.md, slsa-framework/slsa
 * docs/spec/v1.0/provenance.md). Unknown fields are allowed, as both specs
 * ask of consumers; the required ones are checked.
 */

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

const digestSet = z.record(z.string().min(1), z.string().regex(/^[0-9a-fA-F]+$/, 'expected a hex digest'));

/** ResourceDescriptor: at least one of uri, digest or content. */
export const resourceDescriptorSchema = z
  .looseObject({
    uri: z.string().min(1).optional(),
    digest: digestSet.optional(),
    name: z.string().optional(),
    content: z.string().optional(),
    downloadLocation: z.string().optional(),
    mediaType: z.string().optional(),
    annotations: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((descriptor) => descriptor.uri !== undefined || descriptor.digest !== undefined || descriptor.content !== undefined, {
    message: 'a resource descriptor needs uri, digest or content',
  });

const timestamp = z.iso.datetime({ offset: true });

export const provenanceStatementSchema = z.looseObject({
  _type: z.literal(STATEMENT_TYPE),
  subject: z
    .array(resourceDescriptorSchema.refine((subject) => subject.digest !== undefined && Object.keys(subject.digest).length > 0, { message: 'every subject needs a digest' }))
    .min(1, 'at least one subject'),
  predicateType: z.literal(SLSA_PROVENANCE_V1),
  predicate: z.looseObject({
    buildDefinition: z.looseObject({
      buildType: z.string().min(1),
      externalParameters: z.record(z.string(), z.unknown()),
      internalParameters: z.record(z.string(), z.unknown()).optional(),
      resolvedDependencies: z.array(resourceDescriptorSchema).optional(),
    }),
    runDetails: z.looseObject({
      builder: z.looseObject({
        id: z.string().min(1),
        version: z.record(z.string(), z.string()).optional(),
        builderDependencies: z.array(resourceDescriptorSchema).optional(),
      }),
      metadata: z.looseObject({ invocationId: z.string().optional(), startedOn: timestamp.optional(), finishedOn: timestamp.optional() }).optional(),
      byproducts: z.array(resourceDescriptorSchema).optional(),
    }),
  }),
});

export type ProvenanceStatement = z.infer<typeof provenanceStatementSchema>;
export type ResourceDescriptor = z.infer<typeof resourceDescriptorSchema>;
