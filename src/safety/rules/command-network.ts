import { describe, operands } from "./command-context.js";
import type { CommandRule } from "./command-context.js";
import { gitSubcommand } from "./command-git.js";
import { hostOf, isAllowedHost } from "./hosts.js";
import { isUnknown } from "../shell/simple-command.js";
import { violation } from "./violation.js";

/** Options whose next argument is a value, not a target, per tool. */
const valueOptions: Record<string, string[]> = {
  curl: [
    "-o",
    "--output",
    "-H",
    "--header",
    "-d",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "-X",
    "--request",
    "-u",
    "--user",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-F",
    "--form",
    "-T",
    "--upload-file",
    "-w",
    "--write-out",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-m",
    "--max-time",
    "--connect-timeout",
    "--retry",
    "-r",
    "--range",
    "-K",
    "--config",
    "--cacert",
    "-E",
    "--cert",
    "--key",
    "-y",
    "-Y",
    "-z",
    "--resolve",
    "--connect-to",
    "-U",
    "--proxy-user",
  ],
  wget: [
    "-O",
    "--output-document",
    "-o",
    "--output-file",
    "-P",
    "--directory-prefix",
    "-U",
    "--user-agent",
    "--header",
    "--post-data",
    "--post-file",
    "-t",
    "--tries",
    "-T",
    "--timeout",
    "--user",
    "--password",
    "-a",
    "-i",
    "--input-file",
  ],
  ssh: ["-p", "-i", "-l", "-o", "-F", "-L", "-R", "-D", "-J", "-W", "-b", "-c", "-E", "-e", "-m", "-O", "-Q", "-S", "-w", "-B", "-I"],
  scp: ["-P", "-i", "-o", "-F", "-l", "-c", "-J", "-S"],
  sftp: ["-P", "-i", "-o", "-F", "-l", "-c", "-J", "-S", "-b", "-B", "-R", "-s"],
  rsync: ["-e", "--rsh", "--exclude", "--include", "--filter", "-f", "--rsync-path", "--port", "--password-file"],
  nc: ["-p", "-s", "-w", "-i", "-X", "-x", "-q", "-I", "-O", "-T", "-V"],
  ncat: ["-p", "-s", "-w", "-i", "-x", "--proxy", "-e", "--exec", "-c", "--sh-exec"],
  socat: [],
  telnet: ["-l", "-n", "-b", "-e", "-k", "-X"],
  ftp: [],
  lftp: ["-u", "-p", "-e", "-c", "-f"],
  http: ["-a", "--auth", "-o", "--output", "--session"],
  https: ["-a", "--auth", "-o", "--output", "--session"],
  xh: ["-a", "--auth", "-o", "--output", "--session"],
  aria2c: ["-d", "-o", "-i"],
  axel: ["-o", "-n", "-H", "-U"],
  gh: [],
};
const hostlessTools = new Set(["nc", "ncat", "netcat", "telnet", "socat"]);
const publishers: Record<string, (args: string[]) => boolean> = {
  npm: (a) => a[0] === "publish" || a[0] === "unpublish" || (a[0] === "dist-tag" && a[1] !== "ls"),
  yarn: (a) => a[0] === "publish" || (a[0] === "npm" && a[1] === "publish"),
  pnpm: (a) => a[0] === "publish",
  bun: (a) => a[0] === "publish",
  twine: (a) => a[0] === "upload",
  cargo: (a) => a[0] === "publish" || a[0] === "yank",
  gem: (a) => a[0] === "push" || a[0] === "yank",
  docker: (a) => a[0] === "push" || (a[0] === "image" && a[1] === "push"),
  podman: (a) => a[0] === "push",
  poetry: (a) => a[0] === "publish",
  uv: (a) => a[0] === "publish",
  mvn: (a) => a.includes("deploy"),
  gradle: (a) => a.some((x) => /^publish/.test(x)),
};

/** Network tools aimed at hosts other than this machine (and the configured ones), remote code, publishing. */
export const networkCommandRule: CommandRule = (command, context, out) => {
  const { name, args } = command;
  const text = describe(command);
  const alias = name === "netcat" ? "nc" : name;
  const targets: string[] = [];
  if (alias in valueOptions) {
    if (alias === "gh") targets.push("api.github.com");
    else {
      const ops = operands(args, valueOptions[alias]);
      const urls = args.filter((a) => /^[a-z][a-z0-9+.-]*:\/\//i.test(a) || a.startsWith("--url="));
      targets.push(...urls.map((u) => u.replace(/^--url=/, "")));
      if (alias === "rsync" || alias === "scp") targets.push(...ops.filter((o) => /^[^/]*:/.test(o) && !o.startsWith("./")));
      else
        targets.push(
          ...ops
            .filter((o) => !urls.includes(o))
            .slice(0, hostlessTools.has(alias) || ["ssh", "sftp", "ftp", "lftp"].includes(alias) ? 1 : undefined),
        );
    }
  } else if (name === "git") {
    const { sub, rest } = gitSubcommand(args);
    if (
      ["clone", "fetch", "pull", "push", "ls-remote", "archive"].includes(sub) ||
      (sub === "remote" && ["add", "set-url"].includes(rest[0] ?? "")) ||
      (sub === "submodule" && rest[0] === "add")
    ) {
      targets.push(...rest.filter((a) => /^[a-z][a-z0-9+.-]*:\/\//i.test(a) || /^[^@/\s]+@[^:\s]+:/.test(a)));
    }
  } else if (["pip", "pip3", "npm", "npx", "pnpm", "yarn"].includes(name)) {
    targets.push(...args.filter((a) => /^(git\+)?https?:\/\//i.test(a)));
  } else if (["ping", "dig", "nslookup", "host", "traceroute"].includes(name)) {
    return;
  } else {
    checkPublish(command.name, args, text, out);
    return;
  }
  checkPublish(name, args, text, out);
  const outside: string[] = [];
  let unknown = false;
  for (const target of targets) {
    if (isUnknown(target)) {
      unknown = true;
      continue;
    }
    const host = hostOf(target) ?? (hostlessTools.has(alias) || ["ssh", "sftp", "ftp", "telnet"].includes(alias) ? target : null);
    if (host === null) continue;
    if (!isAllowedHost(host, context.allowedHosts)) outside.push(host);
  }
  if (command.executed && (outside.length > 0 || unknown || targets.length === 0)) {
    out.violations.push(
      violation(
        "network.remote-code",
        `Refused: ${name} downloads code that is then executed; vendor it into the repository and review it instead.`,
        { evidence: text },
      ),
    );
    return;
  }
  if (outside.length > 0) {
    out.violations.push(
      violation(
        "network.outbound",
        `Refused: ${name} reaches ${[...new Set(outside)].join(", ")}, outside this machine; the sandbox has no network and agents must not exfiltrate or fetch.`,
        { evidence: text },
      ),
    );
  } else if (unknown || (targets.length === 0 && alias !== "gh" && name !== "git" && alias in valueOptions)) {
    out.uncertainties.push(`${name} reaches a host that is only known at run time`);
  }
};

function checkPublish(name: string, args: string[], text: string, out: Parameters<CommandRule>[2]): void {
  const publishes = publishers[name];
  if (publishes?.(args))
    out.violations.push(
      violation("network.publish", `Refused: ${name} ${args[0] ?? ""} publishes outside the repository; releases are made by humans.`, {
        evidence: text,
      }),
    );
}
