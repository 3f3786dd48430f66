import type { ReportControl } from './report-model.js';

/**
 * The controls an assessor tests change management against, what each asks
 * (paraphrased from the published text), and which part of the report
 * answers it. The section names match the HTML report's headings.
 *
 * @example
 * reportControls().map((control) => control.id) // ['CC8.1', 'A.8.32', 'CM-3', 'CM-5', 'AU-9(3)']
 */
export function reportControls(): ReportControl[] {
  return [
    {
      id: 'CC8.1',
      framework: 'SOC 2 (AICPA Trust Services Criteria, 2017, revised 2022)',
      title: 'Change management',
      asks:
        'The entity authorizes, designs, develops or acquires, configures, documents, tests, approves, and implements changes to infrastructure, data, software, and procedures. The assessor samples from the complete population of changes in the period and looks for authorization, approval, testing and documentation of each.',
      evidence: [
        'Population of changes: every build, promotion and rollback of the period, each with its record (the documentation).',
        'Requester, approvers and the four-eyes result per change (authorization and approval by someone other than the requester).',
        'Image checks per build (testing before the change goes live).',
        'Audit verdict per record and the chain state (the population is complete: records cannot be removed without breaking the chain).',
      ],
    },
    {
      id: 'A.8.32',
      framework: 'ISO/IEC 27001:2022 Annex A',
      title: 'Change management',
      asks: 'Changes to information processing facilities and information systems shall be subject to change management procedures: changes are planned, assessed, authorized, tested, and recorded, with a way back (fall-back).',
      evidence: [
        'Population of changes with requester and approvers (authorized changes).',
        'Image checks per build (tested before acceptance).',
        'Rollbacks recorded like promotions, and each promotion keeping the previous template (fall-back).',
        'Revocations: builds that must never be promoted again, with who decided and why.',
      ],
    },
    {
      id: 'CM-3',
      framework: 'NIST SP 800-53 Rev. 5',
      title: 'Configuration change control',
      asks:
        'Determine the types of changes that are configuration-controlled; review proposed changes and approve or disapprove them with explicit consideration of security impact; document the decisions; implement approved changes; retain records of the changes; monitor and review the activities associated with them.',
      evidence: [
        'Population of changes: builds (proposed configurations) and promotions/rollbacks (implemented changes), each a retained record.',
        'Four-eyes result per promotion: approved by someone other than the requester, bound to the digest of the build record the approver saw.',
        'Image checks per build (security-relevant testing, CM-3(2)) and revocations (disapproved builds).',
        'Audit verdict per record: the records are verified, not merely listed.',
      ],
    },
    {
      id: 'CM-5',
      framework: 'NIST SP 800-53 Rev. 5',
      title: 'Access restrictions for change',
      asks: 'Define, document, approve, and enforce physical and logical access restrictions associated with changes to the system.',
      evidence: [
        'Requester and approvers with the channel they came through (Slack, GitHub pull request, CLI, schedule): who could make each change.',
        'Signer fingerprints: only the holder of a listed signing key can seal a record; checked against allowed_signers when given.',
        'Four-eyes failures listed plainly: changes made without an independent approval.',
      ],
    },
    {
      id: 'AU-9(3)',
      framework: 'NIST SP 800-53 Rev. 5',
      title: 'Protection of audit information: cryptographic protection',
      asks: 'Implement cryptographic mechanisms to protect the integrity of audit information and audit tools.',
      evidence: [
        'Evidence digest per change: the SHA-256 of the record\'s SHA256SUMS, which covers every file of the record.',
        'Ed25519 SSH signature over each SHA256SUMS (signer fingerprints section).',
        'The hash chain (PREV in every record, HEAD at the root): the chain state section says whether it is intact.',
        'Commands to re-verify everything by hand with sha256sum and ssh-keygen, independently of goldsmith.',
      ],
    },
  ];
}
