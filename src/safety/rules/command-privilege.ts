import { classifyPath } from "../paths/classify-path.js";
import { describe, operands } from "./command-context.js";
import type { CommandRule } from "./command-context.js";
import { violation } from "./violation.js";

const elevators = new Set(["sudo", "doas", "su", "pkexec", "runuser"]);

/** World-writable modes, setuid/setgid, capabilities, root ownership, running as another user. */
export const privilegeCommandRule: CommandRule = (command, context, out) => {
  const { name, args } = command;
  const text = describe(command);
  const elevated = command.wrappers.find((w) => elevators.has(w)) ?? (elevators.has(name) ? name : undefined);
  if (elevated)
    out.violations.push(
      violation("privilege.sudo", `Flagged: ${elevated} runs a command as another user; the sandbox runs unprivileged on purpose.`, {
        evidence: text,
      }),
    );
  if (name === "chmod") {
    const [mode = "", ...targets] = operands(args, ["--reference"]);
    if (/^[0-7]{4}$/.test(mode) && /[246]/.test(mode[0] as string))
      out.violations.push(violation("privilege.setuid", `Refused: chmod ${mode} sets setuid/setgid.`, { evidence: text }));
    else if (/(^|,)[ugoa]*[+=][rwxXt]*s/.test(mode))
      out.violations.push(violation("privilege.setuid", `Refused: chmod ${mode} sets setuid/setgid.`, { evidence: text }));
    const others = /^[0-7]{3,4}$/.test(mode) ? Number(mode[mode.length - 1]) : 0;
    if ((others & 2) === 2 || /(^|,)[ugo]*[oa][ugoa]*[+=][rxXst]*w/.test(mode)) {
      out.violations.push(
        violation("privilege.world-writable", `Refused: chmod ${mode} makes files writable by everyone; use 755/644.`, { evidence: text }),
      );
    }
    for (const t of targets) {
      if (classifyPath(t, command.cwd, context.workspaceRoot).kind === "outside")
        out.violations.push(
          violation("privilege.ownership", `Refused: changing permissions of ${t}, outside the workspace.`, { evidence: text }),
        );
    }
  }
  if (name === "setcap" || name === "chattr")
    out.violations.push(violation("privilege.setuid", `Refused: ${name} changes file capabilities or attributes.`, { evidence: text }));
  if (name === "chown" || name === "chgrp") {
    const [owner = "", ...targets] = operands(args, ["--reference"]);
    if (
      /^(root|0)([:.]|$)/.test(owner) ||
      /[:.](root|0|wheel|sudo)$/.test(owner) ||
      (name === "chgrp" && /^(root|0|wheel|sudo)$/.test(owner))
    ) {
      out.violations.push(violation("privilege.ownership", `Refused: ${name} ${owner} hands files to root.`, { evidence: text }));
    } else if (targets.some((t) => classifyPath(t, command.cwd, context.workspaceRoot).kind === "outside")) {
      out.violations.push(
        violation("privilege.ownership", `Refused: ${name} changes ownership outside the workspace.`, { evidence: text }),
      );
    }
  }
  if (["useradd", "usermod", "adduser", "groupadd", "passwd", "visudo", "chpasswd"].includes(name)) {
    out.violations.push(violation("privilege.ownership", `Refused: ${name} changes users or groups.`, { evidence: text }));
  }
};
