import { z } from 'zod';
import { pickChildEnv } from './child-env.js';
import { findCredentials, type Credential } from './find-credentials.js';
import { readActionsSettings, type ActionsSettings } from './read-actions-settings.js';
import { readGitHubSettings, type GitHubAppCredentials } from './read-github-settings.js';
import { readGovcSettings, type GovcSettings } from './read-govc-settings.js';
import { readProxmoxSettings, type ProxmoxSettings } from './read-proxmox-settings.js';
import { readRunnerSettings, type RunnerSettings } from './read-runner-settings.js';
import { readSlackBotSettings, readSlackSettings, type SlackBotSettings, type SlackSettings } from './read-slack-settings.js';
import { SettingsError } from './settings-error.js';

export type { Credential } from './find-credentials.js';

/** Paths and binaries the environment may override. */
export interface PathSettings {
  config: string | undefined;
  records: string | undefined;
  signingKey: string | undefined;
  infraDir: string | undefined;
  govc: string | undefined;
  vcsim: string | undefined;
}

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  error: (issue) => `LOG_LEVEL "${String(issue.input)}" is not a level: use fatal, error, warn, info, debug, trace or silent`,
});

/**
 * goldsmith's settings from the environment: the one place that reads it.
 * Every other module receives typed settings (or a part of them). Each
 * section is checked with zod when it is first used, so `goldsmith audit`
 * never fails over a Slack variable; errors name the variable and the fix,
 * never a secret's value. The settings know every credential goldsmith
 * holds, and build the allow-listed environment of each child process.
 *
 * @example
 * const settings = readSettings();
 * settings.slack().token               // 'xoxb-…' (throws naming SLACK_BOT_TOKEN when unset)
 * settings.credentials(['DB_PASSWORD']) // [{ name: 'SLACK_BOT_TOKEN', value: '…' }, …]
 * settings.childEnv({ family: 'packer', pass: ['AWS_PROFILE'] })
 */
export class Settings {
  private constructor(private readonly env: Readonly<Record<string, string>>) {}

  /** Settings from a given environment (tests, the demo's simulator). Unset and undefined are the same. */
  static from(env: Readonly<Record<string, string | undefined>>): Settings {
    const clean: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) if (typeof value === 'string') clean[name] = value;
    return new Settings(Object.freeze(clean));
  }

  /** These settings with some variables set (a string) or removed (undefined). */
  with(changes: Readonly<Record<string, string | undefined>>): Settings {
    return Settings.from({ ...this.env, ...changes });
  }

  /** These settings without the variables `drop` matches (the demo drops the user's vCenter). */
  without(drop: (name: string) => boolean): Settings {
    return Settings.from(Object.fromEntries(Object.entries(this.env).filter(([name]) => !drop(name))));
  }

  get paths(): PathSettings {
    const value = (name: string) => this.env[name] || undefined;
    return {
      config: value('GOLDSMITH_CONFIG'),
      records: value('GOLDSMITH_RECORDS'),
      signingKey: value('GOLDSMITH_SIGNING_KEY'),
      infraDir: value('GOLDSMITH_INFRA_DIR'),
      govc: value('GOLDSMITH_GOVC'),
      vcsim: value('GOLDSMITH_VCSIM'),
    };
  }

  /** PORT, as given (serve checks it with --port). */
  get port(): string | undefined {
    return this.env.PORT || undefined;
  }

  /** LOG_LEVEL, default info. */
  logLevel(): z.infer<typeof logLevel> {
    const parsed = logLevel.safeParse(this.env.LOG_LEVEL || 'info');
    if (!parsed.success) throw new SettingsError(parsed.error.issues[0]!.message);
    return parsed.data;
  }

  /** The Slack app's settings; throws naming the variable when one is missing or malformed. */
  slack(): SlackSettings {
    return readSlackSettings(this.env);
  }

  /** SLACK_BOT_TOKEN and SLACK_API_URL alone, for one-off notices; undefined when the token is unset. */
  slackBot(): SlackBotSettings | undefined {
    return readSlackBotSettings(this.env);
  }

  /** The GitHub App's settings, undefined when none is set; throws naming the variable when only some are. */
  github(cwd: string): GitHubAppCredentials | undefined {
    return readGitHubSettings(this.env, cwd);
  }

  /** GitHub Actions (GITHUB_TOKEN, else the GitHub App); throws naming what to set when neither is. */
  actions(cwd: string): ActionsSettings {
    return readActionsSettings(this.env, cwd);
  }

  /** What `goldsmith runner` builds (GOLDSMITH_JOB, GOLDSMITH_LINE, GOLDSMITH_ENTRY, …, set by the CI workflow). */
  runner(): RunnerSettings {
    return readRunnerSettings(this.env);
  }

  /** vCenter (GOVC_*); throws naming the variable when GOVC_URL or the user is missing. */
  govc(): GovcSettings {
    const govc = readGovcSettings(this.env);
    // govc's log is scrubbed of everything goldsmith holds, not only the vCenter password.
    return { ...govc, secrets: [...new Set([...govc.secrets, ...findCredentials(this.env, []).map((credential) => credential.value)])] };
  }

  /** The Proxmox VE API (PROXMOX_*); throws naming the variable when one is missing or malformed. */
  proxmox(): ProxmoxSettings {
    const proxmox = readProxmoxSettings(this.env);
    // The store's log is scrubbed of everything goldsmith holds, not only the token's secret.
    return { ...proxmox, secrets: [...new Set([...proxmox.secrets, ...findCredentials(this.env, []).map((credential) => credential.value)])] };
  }

  /**
   * Every credential value held: goldsmith's own, `secretEnv`, any variable
   * whose name says secret, every URL's password, and the GitHub App's key
   * file when PRIVATE_KEY_PATH names one that can be read.
   */
  credentials(secretEnv: readonly string[] = [], cwd = '.'): Credential[] {
    const found = findCredentials(this.env, secretEnv);
    if (this.env.PRIVATE_KEY_PATH && !this.env.PRIVATE_KEY) {
      try {
        const key = readGitHubSettings(this.env, cwd)?.privateKey;
        if (key) found.push({ name: 'PRIVATE_KEY_PATH (file)', value: key });
      } catch {
        // An unreadable key is reported where the GitHub App starts; here it only cannot be scrubbed, and it is not held either.
      }
    }
    return found;
  }

  /** The allow-listed environment for a child process (see pickChildEnv), plus `set`. */
  childEnv(options: { family: 'packer' | 'none'; pass?: readonly string[] | undefined; set?: Readonly<Record<string, string>> }): Record<string, string> {
    return { ...pickChildEnv(this.env, options), ...options.set };
  }

  /** The variables of `names` that are set, by name: for the ones an operator maps into Packer variables (`packer.vars`). */
  pick(names: readonly string[]): Record<string, string> {
    return Object.fromEntries(names.flatMap((name) => (this.env[name] === undefined ? [] : [[name, this.env[name]]])));
  }

  /** The whole environment, for goldsmith's own worker process only: it needs every setting this one has. */
  goldsmithChildEnv(): Record<string, string> {
    return { ...this.env };
  }
}

/**
 * The settings of this process: reads `process.env` once, here and nowhere else.
 *
 * @example
 * const settings = readSettings();
 */
export function readSettings(): Settings {
  return Settings.from(process.env);
}
