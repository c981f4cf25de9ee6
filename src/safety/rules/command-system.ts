import { isTestPath } from "../paths/path-kinds.js";
import { classifyPath } from "../paths/classify-path.js";
import { describe, operands } from "./command-context.js";
import type { CommandRule } from "./command-context.js";
import { gitSubcommand } from "./command-git.js";
import { violation } from "./violation.js";

const containerTools = new Set(["docker", "podman", "nerdctl"]);
const hostEscapes =
  /^(--privileged|--pid=host|--net=host|--network=host|--ipc=host|--uts=host|--userns=host|--cap-add=(ALL|SYS_ADMIN|SYS_PTRACE|SYS_MODULE))$|^--security-opt=?(apparmor|seccomp)[=:]unconfined$/i;
const kernelTools = new Set(["insmod", "modprobe", "rmmod", "kexec", "nsenter", "unshare", "chroot", "pivot_root", "capsh"]);
const firewalls: Record<string, (a: string[]) => boolean> = {
  iptables: (a) => a.some((x) => /^-(F|X|P|D|I|A)$|^--(flush|policy|delete-chain)$/.test(x)),
  ip6tables: (a) => a.some((x) => /^-(F|X|P|D|I|A)$|^--(flush|policy)$/.test(x)),
  nft: (a) => a.some((x) => /^(flush|delete|add)$/.test(x)),
  ufw: (a) => a[0] === "disable" || a[0] === "allow" || a[0] === "reset",
  sysctl: (a) => a.some((x) => x === "-w" || /=/.test(x)),
  mount: (a) => a.length > 0,
  umount: (a) => a.length > 0,
  swapoff: () => true,
  setenforce: () => true,
};
const serviceTools: Record<string, (a: string[]) => boolean> = {
  systemctl: (a) =>
    ["enable", "start", "restart", "mask", "disable", "stop", "daemon-reload", "edit", "link"].includes(
      a.find((x) => !x.startsWith("-")) ?? "",
    ),
  service: (a) => a.length >= 2,
  launchctl: (a) => ["load", "bootstrap", "submit", "enable"].includes(a[0] ?? ""),
  crontab: (a) => !(a.length === 1 && a[0] === "-l"),
  at: (a) => !a.includes("-l"),
  batch: () => true,
};
const tunnels = new Set(["ngrok", "cloudflared", "lt", "localtunnel", "frpc", "chisel", "bore", "pinggy", "serveo", "telebit", "inlets"]);
const dnsTools = new Set(["dig", "nslookup", "host", "drill", "ping", "ping6", "traceroute"]);
const keyNames =
  /(\*\.(pem|key|p12|pfx|kdbx|ppk|asc|gpg)\b|id_(rsa|dsa|ecdsa|ed25519)|\.env\b|credentials|\.npmrc|\.pypirc|\.netrc|secret)/i;
const testNames = /(\*\.(test|spec)\.|\*_test\.|test_\*|\*\.(test|spec)\*|\*test\*|\*spec\*)/i;

/**
 * System-level actions a coding task never needs: leaving the sandbox
 * (privileged or host-mounted containers, host namespaces, kernel modules),
 * changing the firewall, kernel parameters, mounts or services, installing
 * scheduled jobs (persistence), tunnels, DNS lookups that carry data, key
 * export and credential helpers, hunting for key files from `/` or `~`,
 * deleting tests with `find`, stripping assertions with `sed`, hiding changes
 * from git.
 */
export const systemCommandRule: CommandRule = (command, context, out) => {
  const { name, args } = command;
  const text = describe(command);
  if (containerTools.has(name) && ["run", "create", "exec"].includes(args[0] ?? "")) {
    const hostMount = args.some(
      (a, i) =>
        ((a === "-v" || a === "--volume" || a === "--mount") &&
          /^(\/|\/var\/run\/docker\.sock|\/proc|\/sys|\/etc|~)(:|,|$)|source=\/(,|$)/.test(args[i + 1] ?? "")) ||
        /^(-v|--volume)=?\/(:|$)/.test(a),
    );
    if (
      hostMount ||
      args.some((a, i) => hostEscapes.test(a) || (a === "--cap-add" && /^(ALL|SYS_ADMIN|SYS_MODULE|SYS_PTRACE)$/i.test(args[i + 1] ?? "")))
    ) {
      out.violations.push(
        violation(
          "privilege.sandbox-escape",
          `Refused: ${name} ${args[0]} with host access (privileged, host namespaces or the host's filesystem) leaves the sandbox.`,
          { evidence: text },
        ),
      );
    }
  }
  if (kernelTools.has(name))
    out.violations.push(
      violation(
        "privilege.sandbox-escape",
        `Refused: ${name} changes the kernel or enters other namespaces, which a coding task never needs.`,
        { evidence: text },
      ),
    );
  if (firewalls[name]?.(args))
    out.violations.push(
      violation("privilege.system-config", `Refused: ${name} changes the firewall, kernel parameters or mounts of the machine.`, {
        evidence: text,
      }),
    );
  if (serviceTools[name]?.(args))
    out.violations.push(
      violation("privilege.persistence", `Refused: ${name} installs or changes a scheduled job or service that outlives the task.`, {
        evidence: text,
      }),
    );
  if (tunnels.has(name) || (name === "ssh" && args.some((a) => a === "-R" || /^-[A-Za-z]*R/.test(a))))
    out.violations.push(violation("network.tunnel", `Refused: ${name} exposes this machine through a tunnel.`, { evidence: text }));
  if (dnsTools.has(name) && operands(args, ["-t", "-p", "-c", "-q", "-i"]).some((a) => a.includes("__WAVE_"))) {
    out.violations.push(
      violation("network.outbound", `Refused: ${name} looks up a name built at run time, a way to carry data out through DNS.`, {
        evidence: text,
      }),
    );
  }
  if (name === "gpg" && args.some((a) => /^--export-secret(-sub)?-keys$/.test(a)))
    out.violations.push(violation("secrets.credential-file", "Refused: gpg exports secret keys.", { evidence: text }));
  if (name === "git" && gitSubcommand(args).sub === "credential" && ["fill", "approve"].includes(gitSubcommand(args).rest[0] ?? ""))
    out.violations.push(violation("secrets.credential-file", "Refused: git credential reads stored credentials.", { evidence: text }));
  if (name === "security" && /^(find|dump)-(generic|internet)-password|dump-keychain$/.test(args[0] ?? ""))
    out.violations.push(violation("secrets.credential-file", "Refused: security reads the keychain.", { evidence: text }));
  if (
    name === "git" &&
    gitSubcommand(args).sub === "update-index" &&
    args.some((a) => a === "--assume-unchanged" || a === "--skip-worktree")
  )
    out.violations.push(
      violation(
        "git.hidden-change",
        "Flagged: marking files assume-unchanged or skip-worktree hides their changes from git and from review.",
        { evidence: text },
      ),
    );
  if (name === "find") {
    const root = args[0] ?? ".";
    const place = classifyPath(root, command.cwd, context.workspaceRoot);
    const patterns = args.flatMap((a, i) => (["-name", "-iname", "-path", "-ipath"].includes(a) ? [args[i + 1] ?? ""] : []));
    const reads =
      args.some((a) => a === "-exec" || a === "-execdir" || a === "-ok") &&
      args.some((a) => /^(cat|cp|tar|curl|base64|xxd|scp|nc)$/.test(a));
    if ((place.kind === "outside" || root === "/" || root.startsWith("~")) && patterns.some((p) => keyNames.test(p)))
      out.violations.push(
        violation("secrets.credential-file", `Refused: find hunts for key and credential files under ${root}.`, { evidence: text }),
      );
    else if (reads && patterns.some((p) => keyNames.test(p)))
      out.violations.push(violation("secrets.credential-file", "Refused: find collects key and credential files.", { evidence: text }));
    if ((args.includes("-delete") || (args.includes("-exec") && args.includes("rm"))) && patterns.some((p) => testNames.test(p)))
      out.violations.push(
        violation("tests.deleted", "Refused: find deletes the test files; tests are fixed, not deleted.", { evidence: text }),
      );
  }
  if (name === "sed" && args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith("--in-place"))) {
    const script = args.find((a) => /\/[^/]*(expect|assert|should|it\(|test\()[^/]*\/\s*d\b|^\s*\/.*(expect|assert).*\/d$/.test(a));
    const files = operands(args, ["-e", "--expression", "-f"]).filter((f) => f !== script);
    if (script && files.some((f) => isTestPath(f.replace(/\*/g, "x"))))
      out.violations.push(
        violation("tests.assertions-removed", "Flagged: sed deletes assertion lines from test files.", { evidence: text }),
      );
  }
};
