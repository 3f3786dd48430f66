import type { ReportModel } from './report-model.js';

const PLAIN = /^[\w@%+=:,./-]+$/;

/**
 * A word for a POSIX shell: plain words as they are, anything else in single quotes.
 *
 * @example
 * shellWord("my records") // "'my records'"
 */
export function shellWord(word: string): string {
  return PLAIN.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

interface VerifyInput {
  recordsDir: string;
  allowedSigners: string | null;
  identities: string[];
  period: ReportModel['period'];
  changes: ReadonlyArray<{ record: string; sums_sha256: string | null }>;
}

/**
 * The exact commands that re-check the report by hand: each change's
 * evidence digest with sha256sum, each record with sha256sum and
 * ssh-keygen, and the whole folder with goldsmith audit and goldsmith report.
 *
 * @example
 * reportVerifyCommands({ recordsDir: 'records', allowedSigners: null, identities: ['goldsmith'], period: { from: null, to: null }, changes: [] })[0].title
 */
export function reportVerifyCommands(input: VerifyInput): ReportModel['verify'] {
  const dir = shellWord(input.recordsDir);
  const signers = input.allowedSigners ? shellWord(input.allowedSigners) : '"$HOME/goldsmith/allowed_signers"   # the file your platform team gave you';
  const identity = input.identities.length === 1 ? input.identities[0]! : 'goldsmith';
  const digests = input.changes.filter((change) => change.sums_sha256 !== null);
  const periodArgs = [input.period.from ? `--from ${input.period.from}` : '', input.period.to ? `--to ${input.period.to}` : ''].filter(Boolean).join(' ');
  return [
    {
      title: 'Before you start',
      explain: 'Work from the records folder, with the allowed signers file kept outside it (get it from the platform team through a channel you trust).',
      commands: [`cd ${dir}`, `export ALLOWED_SIGNERS=${signers}`].join('\n'),
    },
    {
      title: 'The newest record and the evidence digests in this report',
      explain:
        'sha256sum -c HEAD checks that the newest record is the one goldsmith last wrote. Each following line checks that a change\'s SHA256SUMS still has the digest this report shows: every line must print OK.',
      commands: ['sha256sum -c HEAD', ...(digests.length > 0 ? [`sha256sum -c <<'EOF'`, ...digests.map((change) => `${change.sums_sha256}  ${change.record}/SHA256SUMS`), 'EOF'] : [])].join('\n'),
    },
    {
      title: 'One record, by hand',
      explain: `Inside a record's folder: every file against SHA256SUMS, the previous record against PREV (the first record holds "genesis" instead), and the signature, which must print Good "goldsmith-record" signature for ${identity}.`,
      commands: [
        `cd ${digests[0] ? shellWord(digests[0].record) : 'builds/<line>/<ts>'}`,
        'sha256sum -c SHA256SUMS',
        'sha256sum -c PREV',
        `ssh-keygen -Y verify -f "$ALLOWED_SIGNERS" -I ${shellWord(identity)} -n goldsmith-record -s SHA256SUMS.sig < SHA256SUMS`,
      ].join('\n'),
    },
    {
      title: 'Every record, with goldsmith',
      explain:
        'goldsmith audit verifies every record, the chain, HEAD and latest, and the signers; it exits 0 clean, 1 with findings. Its summary must show the numbers of the Audit section. goldsmith report rebuilds this report from the same folder. The script "verify-records.sh" of docs/assessor.md does the same checks with sha256sum and ssh-keygen alone.',
      commands: [
        `goldsmith audit . --allowed-signers "$ALLOWED_SIGNERS" --json`,
        `goldsmith report . ${periodArgs ? `${periodArgs} ` : ''}--allowed-signers "$ALLOWED_SIGNERS" --format json --out /tmp/report.json`,
      ].join('\n'),
    },
  ];
}
