/**
 * Every environment variable goldsmith reads, in one table: the settings
 * module reads exactly these (plus the GOVC_* family, the pass-through
 * allow-list and the names an operator lists in goldsmith.yaml), and
 * docs/operator.md is checked against it.
 */
export interface SettingsVariable {
  name: string;
  /** A credential: scrubbed from every log, record, reply and pull request; never given to Packer. */
  credential: boolean;
  /** Who reads it and what for, as docs/operator.md shows it. */
  purpose: string;
}

export const SETTINGS_VARIABLES: readonly SettingsVariable[] = [
  { name: 'GOLDSMITH_CONFIG', credential: false, purpose: 'the config file, when --config is not given (default ./goldsmith.yaml)' },
  { name: 'GOLDSMITH_RECORDS', credential: false, purpose: 'the records folder; overrides `records` in the config' },
  { name: 'GOLDSMITH_SIGNING_KEY', credential: false, purpose: 'path of the Ed25519 record signing key; overrides `signing.key` (the path, not the key)' },
  { name: 'GOLDSMITH_INFRA_DIR', credential: false, purpose: 'where scripts/setup-infra put govc and vcsim (default .infra/)' },
  { name: 'GOLDSMITH_GOVC', credential: false, purpose: 'the govc executable (default .infra/bin/govc, else PATH)' },
  { name: 'GOLDSMITH_VCSIM', credential: false, purpose: 'the vcsim executable, for the demo (default .infra/bin/vcsim, else PATH)' },
  { name: 'GOLDSMITH_GOVC_TIMEOUT', credential: false, purpose: 'seconds one govc command may take (default 60)' },
  { name: 'PORT', credential: false, purpose: '`goldsmith serve` port when --port is not given (default 3000)' },
  { name: 'LOG_LEVEL', credential: false, purpose: "`goldsmith serve`'s JSON log level: fatal, error, warn, info (default), debug, trace, silent" },
  { name: 'SLACK_SIGNING_SECRET', credential: true, purpose: "the Slack app's signing secret: every request's signature is checked with it" },
  { name: 'SLACK_BOT_TOKEN', credential: true, purpose: "the Slack app's bot token (xoxb-…)" },
  { name: 'SLACK_APP_TOKEN', credential: true, purpose: "the Slack app-level token (xapp-…), for Socket Mode" },
  { name: 'SLACK_API_URL', credential: false, purpose: 'the Slack Web API base (default https://slack.com/api/)' },
  { name: 'APP_ID', credential: false, purpose: "the GitHub App's numeric id" },
  { name: 'PRIVATE_KEY', credential: true, purpose: "the GitHub App's private key (PEM, escaped newlines, or base64)" },
  { name: 'PRIVATE_KEY_PATH', credential: false, purpose: "path of the GitHub App's private key file (its content is a credential)" },
  { name: 'WEBHOOK_SECRET', credential: true, purpose: "the GitHub App's webhook secret (X-Hub-Signature-256)" },
  { name: 'GITHUB_API_URL', credential: false, purpose: 'the GitHub REST API base, for GitHub Enterprise Server' },
  { name: 'GHE_HOST', credential: false, purpose: "Probot's name for a GitHub Enterprise Server host" },
  { name: 'GHE_PROTOCOL', credential: false, purpose: 'http or https for GHE_HOST (default https)' },
  { name: 'GITHUB_TOKEN', credential: true, purpose: 'a token with Actions: write on the workflow\'s repository, for the github-actions executor (else the GitHub App\'s installation token is used)' },
  { name: 'GOLDSMITH_JOB', credential: false, purpose: '`goldsmith runner`: the job key goldsmith dispatched (set by the CI workflow)' },
  { name: 'GOLDSMITH_LINE', credential: false, purpose: '`goldsmith runner`: the line to build (set by the CI workflow)' },
  { name: 'GOLDSMITH_ENTRY', credential: false, purpose: "`goldsmith runner`: the line's matrix entry as queued, JSON (set by the CI workflow)" },
  { name: 'GOLDSMITH_PACKER_VARS', credential: false, purpose: '`goldsmith runner`: PKR_VAR_* values the platform chose, JSON (set by the CI workflow)' },
  { name: 'RUNNER_NAME', credential: false, purpose: "`goldsmith runner`: the CI runner's name, for build.json (set by GitHub Actions)" },
  { name: 'RUNNER_OS', credential: false, purpose: "`goldsmith runner`: the runner's OS (set by GitHub Actions)" },
  { name: 'RUNNER_ARCH', credential: false, purpose: "`goldsmith runner`: the runner's architecture (set by GitHub Actions)" },
  { name: 'GOVC_URL', credential: false, purpose: 'the vCenter SDK URL (a password inside it is a credential)' },
  { name: 'GOVC_USERNAME', credential: false, purpose: 'the vCenter user' },
  { name: 'GOVC_PASSWORD', credential: true, purpose: "the vCenter user's password" },
  { name: 'GOVC_INSECURE', credential: false, purpose: "1 to skip vCenter's TLS check (labs only)" },
  { name: 'GOVC_DATACENTER', credential: false, purpose: 'the datacenter, when `vsphere.datacenter` is not set' },
  { name: 'PROXMOX_URL', credential: false, purpose: 'the Proxmox VE API (https://host:8006, or its /api2/json base), for Proxmox promotion' },
  { name: 'PROXMOX_TOKEN_ID', credential: false, purpose: 'the Proxmox API token id (user@realm!name)' },
  { name: 'PROXMOX_TOKEN_SECRET', credential: true, purpose: "the Proxmox API token's secret" },
  { name: 'AWS_SECRET_ACCESS_KEY', credential: true, purpose: 'never read by goldsmith; scrubbed wherever it appears' },
  { name: 'AWS_SESSION_TOKEN', credential: true, purpose: 'never read by goldsmith; scrubbed wherever it appears' },
];

/** The names of every credential in the table. */
export const CREDENTIAL_NAMES: ReadonlySet<string> = new Set(SETTINGS_VARIABLES.filter((variable) => variable.credential).map((variable) => variable.name));

/** goldsmith's own credentials (not the cloud's, which an operator may pass to Packer): never given to a child by name. */
export const OWN_CREDENTIAL_NAMES: ReadonlySet<string> = new Set([...CREDENTIAL_NAMES].filter((name) => !name.startsWith('AWS_')));
