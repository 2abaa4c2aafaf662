/**
 * `alexa-link-adapter` — the diagnosis CLI: `logs`, `diagnose`, `report`, `doctor`.
 *
 * Exit codes: 0 nothing wrong (diagnose: no findings; doctor: no failed check), 1 findings / failed
 * checks, 2 usage, configuration, credential or AWS errors (expired credentials, missing stack or
 * log group). `run()` takes its I/O as arguments so tests drive it in-process.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../lambda/core/config';
import { didYouMean } from '../lambda/core/config-problems';
import type { AwsOptions, StackInfo } from './cloudwatch';
import { DEFAULT_STACK_NAME, DOMAIN_LIST_LIMIT, LOCAL_MODE_CONFIG, LOCAL_MODE_OUTPUTS } from './constants';
import { checkConfig, observedTokenChecks, probeTokenEndpoint, type Check } from './doctor';
import { CliError, LocalLogSource, type LogSource } from './log-source';
import type { LogRecord } from './records';
import { renderDiagnosis, renderRecordLine, renderTimelines, styleFor, type Style } from './render';
import { renderReport } from './report';
import { iamPolicyCommand } from './iam-policy';
import { acknowledgeSdkNodeNotice } from './node-support';
import { diagnose } from './rules';
import { cmdSimulate, SIMULATE_HELP, SIMULATE_OPTIONS } from './simulate';
import { CLIENT_SECRET_ENV, CLIENT_SECRET_PLACEHOLDER, skillConfigCommand } from './skill-config';
import { REWRITE_LINE, terminalOut } from './terminal';
import { groupTimelines, matchesLink, type Timeline } from './timeline';

export interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: Out;
  stderr: Out;
  stdin: Readable;
  env: Record<string, string | undefined>;
  now(): number;
  fetch?: typeof fetch;
  /** Stops --follow (SIGINT in the real CLI). */
  signal?: AbortSignal;
  /** Poll interval of --follow (tests make it short). */
  pollMs?: number;
}

const COMMON_HELP = `Where the records come from (default: the deployed stack):
  --stack NAME         CloudFormation stack (default ${DEFAULT_STACK_NAME}, or $ALEXA_LINK_ADAPTER_STACK);
                       its …LogGroupName outputs name the log groups
  --log-group NAME     read this log group instead of asking CloudFormation (repeatable)
  --profile NAME       AWS profile (standard credential chain otherwise)
  --region REGION      AWS region (standard region chain otherwise)
  --local FILE         local mode's records instead: a file of JSON lines (npm start -s > records.jsonl),
                       or - for stdin (npm start -s | npx alexa-link-adapter logs --local - --follow)`;

const HELP: Record<string, string> = {
  main: `Usage: npx alexa-link-adapter <command> [options]

Commands:
  logs       exchange records grouped into link timelines, each step with pass/fail and its verdicts
  diagnose   the cause of each failure and the fix (console field or provider setting)
  report     a contact-us case (the "If all else fails" checklist) as Markdown for one link
  doctor     checks before linking: configuration, token endpoint, TTL, the login page's Domain List
  simulate   Alexa's token leg against an Access Token URI (code, refresh, replay) with Alexa's checks
  skill-config  the skill's account-linking settings as the ASK CLI's request (ask smapi update-account-linking-info)
  iam-policy    the least-privilege IAM policy these commands need, as JSON

Run "npx alexa-link-adapter <command> --help" for a command's options.
Exit codes: 0 nothing found, 1 findings or failed checks, 2 usage, configuration, credential or AWS errors.
`,
  logs: `Usage: npx alexa-link-adapter logs [--since 1h] [--link ID] [--follow] [--json] [source options]

  --since DURATION|TIME  how far back: 30m, 1h (default), 2d, 1w, or an ISO time (2026-11-25T15:00:00Z).
                         Over 24 h, CloudWatch is read with one Logs Insights query (max 10,000 records).
                         With --local, all records unless --since is given.
  --link ID              only the timeline of this link: a linkId, a fingerprint (fp:…) or a request id
  --follow               keep printing new records as they arrive (CloudWatch: polls every 2 s; Ctrl-C stops)
  --json                 one JSON object per timeline per line ({link, fingerprints, records})
  -h, --help             this text

${COMMON_HELP}
`,
  diagnose: `Usage: npx alexa-link-adapter diagnose [--since 24h] [--link ID] [--json] [source options]

Applies the failure catalogue of Amazon's "Alexa Account Linking Debugging Tips" to the records and names,
for each failure, the cause, the evidence (UTC times, statuses, fingerprints, timings) and the fix.
Prints nothing to fix for a healthy link. Exit code 0: no findings, 1: findings, 2: errors.

  --since DURATION|TIME  how far back (default 24h; with --local all records)
  --link ID              one link only (linkId, fingerprint or request id)
  --json                 {findings, handled} as JSON
  -h, --help             this text

${COMMON_HELP}
`,
  report: `Usage: npx alexa-link-adapter report --link ID [--skill-id ID] [--since 24h] [source options]

Prints the "If all else fails" checklist for an Amazon developer contact-us case as Markdown, filled from
the link's records and the stack's outputs; [FILL IN: …] marks what only you know.

  --link ID              the link (linkId, fingerprint or request id), required
  --skill-id ID          the skill id (amzn1.ask.skill.…), else a placeholder
  --config FILE          cdk.json or a config file: Authorization URL when the stack is not known (--local)
  --since DURATION|TIME  how far back to look (default 24h; with --local all records). Longer ranges (--since 7d)
                         use one Logs Insights query and need logs:StartQuery and logs:GetQueryResults
  -h, --help             this text

${COMMON_HELP}
`,
  doctor: `Usage: npx alexa-link-adapter doctor [--config cdk.json] [--login-page URL|FILE] [options]

  --config FILE          the configuration to check (default ./cdk.json, context.adapter): same schema as synth;
                         with --local, while local mode runs: the configuration it runs (${LOCAL_MODE_CONFIG})
  --no-probe             skip the token-endpoint probe (no network)
  --client-id ID         client id for the probe (default a dummy one; the secret is never needed)
  --login-page URL|FILE  the provider's login page: lists every external host it loads content from, as the
                         exact Domain List entries (oauth.sample.com is not covered by sample.com)
  --page-url URL         with a saved HTML file: the URL it was saved from (resolves relative links)
  --local FILE           also check token lifetime and refresh tokens in these records
  -h, --help             this text

Exit code 0: all checks passed (or warned), 1: a check failed, 2: usage errors.
`,
  simulate: SIMULATE_HELP,
  'skill-config': `Usage: npx alexa-link-adapter skill-config [--client-id ID] [--scope S]… [--skill-id ID] [--out FILE] [options]

Prints the skill's account-linking settings as the request of the Alexa Skill Management API (JSON on stdout,
or --out FILE), in the shape "ask smapi update-account-linking-info --account-linking-request" accepts, and on
stderr the ask command that applies it. Values come from the deployed stack's outputs (or local mode's).

  --client-id ID         your OAuth client's id at the provider (else a placeholder to replace)
  --scope SCOPE          a scope Alexa requests at login (repeatable, at most 15; smart home needs one)
  --skill-id ID          the skill (amzn1.ask.skill.…), for the printed ask command
  --stage STAGE          development (default), certified or live
  --token-expiry SECONDS defaultTokenExpirationInSeconds, used when the provider sends no expires_in
                         (default: the provider profile's documented lifetime with --config, else not set)
  --out FILE             write the request to FILE (mode 600) instead of stdout
  --ask-profile NAME     the ASK CLI profile, for the printed ask command
  --stack NAME           the stack (default ${DEFAULT_STACK_NAME}, or $ALEXA_LINK_ADAPTER_STACK); --profile, --region as usual
  --local                local mode's endpoints instead: the running local mode's (${LOCAL_MODE_OUTPUTS}), else those it
                         would have on http://127.0.0.1:$PORT (default 3000) with --config FILE or the built-in demo
  --config FILE          the adapter configuration (cdk.json or a config file): with --local, what local mode runs;
                         and the provider profile's default token lifetime
  -h, --help             this text

The client secret is taken only from the environment variable ${CLIENT_SECRET_ENV}; without it the request
carries the placeholder ${CLIENT_SECRET_PLACEHOLDER}. It is never read from the stack, a file or an option.
`,
  'iam-policy': `Usage: npx alexa-link-adapter iam-policy [--stack NAME] [--region REGION] [--account ID] [--no-insights]

Prints the least-privilege IAM policy (JSON) for logs, diagnose, report and skill-config against one stack:
cloudformation:DescribeStacks on the stack, logs:FilterLogEvents on its log groups, and for ranges over 24 h
logs:StartQuery and logs:GetQueryResults. doctor needs no AWS permission.

  --stack NAME           the stack (default ${DEFAULT_STACK_NAME}, or $ALEXA_LINK_ADAPTER_STACK)
  --region REGION        limit to one region (default any: *)
  --account ID           limit to one account (default any: *)
  --partition NAME       aws (default), aws-cn, aws-us-gov
  --no-insights          leave out the Logs Insights statement (ranges of 24 h or less only)
  -h, --help             this text
`,
};

const SOURCE_OPTIONS = {
  stack: { type: 'string' },
  'log-group': { type: 'string', multiple: true },
  profile: { type: 'string' },
  region: { type: 'string' },
  local: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const OPTIONS = {
  logs: { ...SOURCE_OPTIONS, since: { type: 'string' }, link: { type: 'string' }, follow: { type: 'boolean' }, json: { type: 'boolean' } },
  diagnose: { ...SOURCE_OPTIONS, since: { type: 'string' }, link: { type: 'string' }, json: { type: 'boolean' } },
  report: { ...SOURCE_OPTIONS, since: { type: 'string' }, link: { type: 'string' }, 'skill-id': { type: 'string' }, config: { type: 'string' } },
  doctor: {
    config: { type: 'string' },
    'no-probe': { type: 'boolean' },
    'client-id': { type: 'string' },
    'login-page': { type: 'string' },
    'page-url': { type: 'string' },
    local: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  simulate: SIMULATE_OPTIONS,
  'skill-config': {
    stack: { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
    local: { type: 'boolean' },
    config: { type: 'string' },
    'client-id': { type: 'string' },
    scope: { type: 'string', multiple: true },
    'skill-id': { type: 'string' },
    stage: { type: 'string' },
    'token-expiry': { type: 'string' },
    out: { type: 'string' },
    'ask-profile': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  'iam-policy': {
    stack: { type: 'string' },
    region: { type: 'string' },
    account: { type: 'string' },
    partition: { type: 'string' },
    'no-insights': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Command = keyof typeof OPTIONS;
export type Values = Record<string, string | boolean | string[] | undefined>;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `1h`, `2d`, `1w` before now, or an ISO 8601 time. */
export function parseSince(value: string, now: number): number {
  const m = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (m) return now - Number(m[1]) * UNITS[m[2]!]!;
  const t = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(t)) return t;
  throw new CliError(`--since: "${value}" is neither a duration (30m, 1h, 2d, 1w) nor an ISO time (2026-11-25T15:00:00Z)`);
}

interface Source {
  source: LogSource;
  stack?: StackInfo;
  local: boolean;
}

function awsOptions(v: Values, env: CliIO['env']): AwsOptions {
  return {
    ...(typeof v['region'] === 'string' ? { region: v['region'] } : {}),
    ...(typeof v['profile'] === 'string' ? { profile: v['profile'] } : {}),
    ...(env['AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'] ? { logsEndpoint: env['AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'] } : {}),
    ...(env['AWS_ENDPOINT_URL_CLOUDFORMATION'] ? { cloudFormationEndpoint: env['AWS_ENDPOINT_URL_CLOUDFORMATION'] } : {}),
  };
}

/** The stack named by --stack, $ALEXA_LINK_ADAPTER_STACK or the default: its outputs and log groups. */
async function describeNamedStack(v: Values, io: CliIO): Promise<StackInfo> {
  // Loaded only here: the AWS SDK takes longer to load than the rest of the CLI together.
  const { describeStack } = await import('./cloudwatch');
  return describeStack((v['stack'] as string | undefined) ?? io.env['ALEXA_LINK_ADAPTER_STACK'] ?? DEFAULT_STACK_NAME, awsOptions(v, io.env));
}

async function openSource(v: Values, io: CliIO): Promise<Source> {
  if (typeof v['local'] === 'string') return { source: new LocalLogSource(v['local'], io.stdin, io.pollMs ?? 500), local: true };
  const aws = awsOptions(v, io.env);
  const { CloudWatchLogSource, logsClient } = await import('./cloudwatch');
  const groups = (v['log-group'] as string[] | undefined) ?? [];
  let stack: StackInfo | undefined;
  if (groups.length === 0) {
    stack = await describeNamedStack(v, io);
    groups.push(...stack.logGroups);
  }
  const client = logsClient(aws);
  return { source: new CloudWatchLogSource(client, groups, { now: io.now, pollMs: io.pollMs ?? 2000, insightsPollMs: io.pollMs ?? 1000 }), stack, local: false };
}

/** A progress line on stderr, rewritten in place on a terminal; silent when stderr is not a terminal. */
function progressLine(io: CliIO) {
  let shown = false;
  return {
    update(message: string) {
      if (!io.stderr.isTTY) return;
      io.stderr.write(`${REWRITE_LINE}${message}`);
      shown = true;
    },
    done() {
      if (shown) io.stderr.write(REWRITE_LINE);
      shown = false;
    },
  };
}

async function loadTimelines(v: Values, io: CliIO, defaultSince: string): Promise<{ timelines: Timeline[]; src: Source }> {
  const src = await openSource(v, io);
  const sinceArg = v['since'] as string | undefined;
  const sinceMs = sinceArg !== undefined ? parseSince(sinceArg, io.now()) : src.local ? undefined : parseSince(defaultSince, io.now());
  const progress = progressLine(io);
  let records: LogRecord[];
  try {
    records = await src.source.read({ sinceMs, untilMs: src.local ? undefined : io.now() }, (m) => progress.update(m));
  } finally {
    progress.done();
  }
  let timelines = groupTimelines(records);
  const link = v['link'] as string | undefined;
  if (link !== undefined) timelines = timelines.filter((t) => matchesLink(t, link));
  return { timelines, src };
}

async function cmdLogs(v: Values, io: CliIO, style: Style): Promise<number> {
  if (v['follow']) {
    const src = await openSource(v, io);
    const sinceMs = typeof v['since'] === 'string' ? parseSince(v['since'], io.now()) : src.local ? undefined : io.now() - 60_000;
    const seen: LogRecord[] = [];
    const link = v['link'] as string | undefined;
    io.stderr.write(`following ${src.source.description} (Ctrl-C stops)\n`);
    await src.source.follow({
      sinceMs,
      signal: io.signal ?? new AbortController().signal,
      onRecord(r) {
        seen.push(r);
        const t = groupTimelines(seen).find((x) => x.records.includes(r))!;
        if (link !== undefined && !matchesLink(t, link)) return;
        if (v['json']) io.stdout.write(`${JSON.stringify({ link: t.id, record: r })}\n`);
        else io.stdout.write(`${style.bold(`[${t.id}]`)}\n${renderRecordLine(r, style).join('\n')}\n`);
      },
    });
    return 0;
  }
  const { timelines } = await loadTimelines(v, io, '1h');
  if (v['json']) {
    for (const t of timelines) io.stdout.write(`${JSON.stringify({ link: t.id, ...(t.linkId ? { linkId: t.linkId } : {}), fingerprints: t.fingerprints, records: t.records })}\n`);
  } else {
    io.stdout.write(renderTimelines(timelines, style));
  }
  return 0;
}

async function cmdDiagnose(v: Values, io: CliIO, style: Style): Promise<number> {
  const { timelines } = await loadTimelines(v, io, '24h');
  if (typeof v['link'] === 'string' && timelines.length === 0) throw new CliError(`no records of link ${v['link']} in this range (try a longer --since)`);
  const d = diagnose(timelines);
  io.stdout.write(v['json'] ? `${JSON.stringify(d, null, 2)}\n` : renderDiagnosis(d, timelines, style));
  return d.findings.length > 0 ? 1 : 0;
}

async function cmdReport(v: Values, io: CliIO): Promise<number> {
  if (typeof v['link'] !== 'string') throw new CliError('report needs --link ID (a linkId, fingerprint or request id; "logs" lists them)');
  // 24 h by default: FilterLogEvents only, the permissions `iam-policy` prints without its Logs Insights part.
  const { timelines, src } = await loadTimelines(v, io, '24h');
  if (timelines.length === 0) {
    throw new CliError(`no records of link ${v['link']} in this range; an older link needs a longer --since (e.g. --since 7d, which uses Logs Insights: logs:StartQuery, logs:GetQueryResults)`);
  }
  let authorizeUrl: string | undefined;
  if (typeof v['config'] === 'string') {
    const c = checkConfig(v['config']);
    authorizeUrl = c.config?.authorizeUrl;
  }
  const t = timelines[0]!;
  io.stdout.write(
    renderReport({
      timeline: t,
      diagnosis: diagnose([t]),
      outputs: src.stack?.outputs,
      stackName: src.stack?.name,
      region: src.stack?.region,
      skillId: v['skill-id'] as string | undefined,
      authorizeUrl,
      generatedAt: new Date(io.now()).toISOString(),
    }),
  );
  return 0;
}

async function readPage(target: string, fetchImpl: typeof fetch): Promise<{ html: string; url?: string }> {
  if (/^https?:\/\//i.test(target)) {
    let res: Response;
    try {
      res = await fetchImpl(target, { redirect: 'follow', signal: AbortSignal.timeout(10_000), headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) alexa-link-adapter doctor' } });
    } catch (err) {
      throw new CliError(`--login-page ${target}: ${(err as Error).message}`);
    }
    return { html: await res.text(), url: res.url || target };
  }
  try {
    return { html: await readFile(target, 'utf8') };
  } catch (err) {
    throw new CliError(`--login-page ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function cmdDoctor(v: Values, io: CliIO, style: Style): Promise<number> {
  const checks: Check[] = [];
  const lines: string[] = [];
  // With --local and local mode running, check what it runs (its demo provider) rather than cdk.json's provider.
  const localMode = v['config'] === undefined && typeof v['local'] === 'string' && existsSync(LOCAL_MODE_CONFIG);
  const { check, config } = checkConfig((v['config'] as string | undefined) ?? (localMode ? LOCAL_MODE_CONFIG : 'cdk.json'));
  if (localMode && check.status === 'pass') check.detail += ' (written by the running local mode, npm start)';
  checks.push(check);
  if (config && !v['no-probe']) {
    const probe = await probeTokenEndpoint(config, { clientId: v['client-id'] as string | undefined, fetch: io.fetch });
    checks.push(...probe.checks);
  }
  if (typeof v['local'] === 'string') checks.push(...observedTokenChecks(await new LocalLogSource(v['local'], io.stdin).read({})));
  for (const c of checks) {
    const tag = c.status === 'pass' ? style.green('PASS') : c.status === 'warn' ? style.yellow('WARN') : c.status === 'fail' ? style.red('FAIL') : style.dim('SKIP');
    lines.push(`${tag}  ${c.name}: ${c.detail}`);
  }
  if (typeof v['login-page'] === 'string') {
    const page = await readPage(v['login-page'], io.fetch ?? fetch);
    // Loaded only here: the HTML parser is a third of the CLI's start-up time.
    const { externalHosts } = await import('./domain-list');
    const result = externalHosts(page.html, page.url ?? (v['page-url'] as string | undefined));
    lines.push('');
    lines.push(style.bold(`Domain List for ${page.url ?? v['login-page']}${result.pageHost ? ` (the page's own host ${result.pageHost} needs no entry)` : ''}:`));
    if (result.entries.length === 0) lines.push('  (no external hosts: leave the Domain List empty)');
    for (const e of result.external) lines.push(`  ${e.host.padEnd(40)} ${style.dim(e.kinds.join(', '))}`);
    if (result.overLimit) {
      lines.push(style.red(`  ${result.entries.length} hosts: the console accepts at most ${DOMAIN_LIST_LIMIT}; serve some of this content from the page's own host.`));
      checks.push({ name: 'domain list', status: 'fail', detail: 'over the console limit' });
    } else {
      lines.push(style.dim(`  ${result.entries.length} of at most ${DOMAIN_LIST_LIMIT} entries. Enter each host exactly: oauth.sample.com is not covered by sample.com.`));
    }
    if (!page.url && !v['page-url']) lines.push(style.dim('  (saved file without --page-url: relative references were not resolved; they stay on the page\'s own host)'));
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}

export async function run(argv: readonly string[], rawIo: CliIO): Promise<number> {
  // Everything printed passes the terminal writer: control characters in data are shown, not obeyed.
  const io: CliIO = { ...rawIo, stdout: terminalOut(rawIo.stdout), stderr: terminalOut(rawIo.stderr) };
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout).write(HELP['main']!);
    return command === undefined ? 2 : 0;
  }
  if (!(command in OPTIONS)) {
    io.stderr.write(`unknown command "${command}"${didYouMean(command, Object.keys(OPTIONS))}\n\n${HELP['main']}`);
    return 2;
  }
  const cmd = command as Command;
  let values: Values;
  try {
    values = parseArgs({ args: [...rest], options: OPTIONS[cmd], strict: true, allowPositionals: false }).values as Values;
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${HELP[cmd]}`);
    return 2;
  }
  if (values['help']) {
    io.stdout.write(HELP[cmd]!);
    return 0;
  }
  const style = styleFor(io.stdout.isTTY, io.env);
  try {
    switch (cmd) {
      case 'logs':
        return await cmdLogs(values, io, style);
      case 'diagnose':
        return await cmdDiagnose(values, io, style);
      case 'report':
        return await cmdReport(values, io);
      case 'doctor':
        return await cmdDoctor(values, io, style);
      case 'simulate':
        return await cmdSimulate(values, io, style);
      case 'skill-config':
        return await skillConfigCommand(values, io, argv, () => describeNamedStack(values, io));
      case 'iam-policy':
        return iamPolicyCommand(values, io);
    }
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** Entry point used by bin/alexa-link-adapter.mjs. */
export async function main(): Promise<void> {
  acknowledgeSdkNodeNotice();
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const code = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    now: Date.now,
    signal: controller.signal,
  });
  process.exitCode = code;
}
