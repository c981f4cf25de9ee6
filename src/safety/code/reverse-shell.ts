import type { CodeFinding, CodeRule } from "./code-source.js";
import { isCommentLine, window } from "./code-source.js";

/** Bash/zsh/gawk network pseudo-files and modules: a shell reading commands from a socket. */
const devTcp = /\/dev\/(tcp|udp)\/[^\s/'"]+\/[^\s'"]+/;
const devTcpAsShell =
  /\b(ba|z|k|da|a)?sh\s+-[a-z]*i\b|\d?>&\s*\d|\d?<>\s*\/dev\/(tcp|udp)|[<>]&\s*\/dev\/(tcp|udp)|>&\s*\/dev\/(tcp|udp)|<\s*\/dev\/(tcp|udp)[^|]*\|\s*(ba)?sh\b|while\s+read\b/;
const otherSocketShells =
  /\/inet\/(tcp|udp)\/|\bztcp\b|\bsocat\b[^\n]*\b(exec|system):|\b(nc|ncat|netcat)\b[^|;&\n]*\s(-e|-c|--exec|--sh-exec|--lua-exec)\b/i;
/** A shell in a pipeline with a network client: `sh -i 2>&1 | nc host port`, `telnet h p | /bin/sh | telnet h p`. */
const pipedShell =
  /\b(ba|z|da)?sh\s+-[a-z]*i\b[^\n]*\|\s*(\S*\/)?(nc|ncat|netcat|telnet|openssl)\b|\b(nc|ncat|netcat|telnet|openssl\s+s_client)\b[^\n|]*\|\s*(\S*\/)?(ba|z|da)?sh\b/;
/** A socket opened to a peer, in any common language. */
const connects =
  /socket\.socket\s*\(|create_connection\s*\(|\bsocket\s*\(\s*\w+\s*,\s*(PF|AF)_INET|IO::Socket::INET|TCPSocket\.(open|new)|\bfsockopen\s*\(|new\s+net\.Socket\b|\bnet\.(connect|createConnection)\s*\(|\.connect\s*\(\s*\d+\s*,|new\s+Socket\s*\(|Socket\.new\b|TcpClient\s*\(|net\.Dial(Timeout)?\s*\(|\bsocket\.connect\s*\(|require\s*\(?\s*["']socket["']\s*\)?\s*\.tcp\s*\(|\w+:connect\s*\(/;
/** …whose ends are handed to a shell or an interpreter loop. */
const handsToShell =
  /\bio\.popen\b|\bdup2\b|pty\.spawn|fdopen|open\s*\(\s*STDIN|IO\.popen|system\s*\$_|\bexec\s*\(?\s*["'`]?\/bin\/|\bexec\s+sprintf|["'`]\/bin\/(ba|z|da|k)?sh\b|["'`](ba|z)?sh["'`]\s*,\s*\[?\s*["'`]-i|\bcmd(\.exe)?["'`]|powershell|\.pipe\s*\(\s*\w+\.stdin\)|exec\.Command\s*\(\s*["'`](\/bin\/)?(ba)?sh|subprocess\.\w+\s*\(\s*\[?\s*["'`]\/bin\/|stdin\s*=\s*\w+\.fileno\(\)/;

/**
 * Reverse shells: a shell whose input and output are a network connection,
 * through bash's `/dev/tcp`, gawk's `/inet`, zsh's `ztcp`, `nc -e`, `socat
 * exec:`, a shell piped into a network client, or a socket handed to a shell
 * from Python, Perl, Ruby, PHP, Node, Go or Java. A socket alone (a port
 * check, a test server) and a shell alone are not reported.
 */
export const reverseShellRule: CodeRule = (source) => {
  const out: CodeFinding[] = [];
  const report = (index: number, how: string): void => {
    out.push({
      ruleId: "network.reverse-shell",
      index,
      message: `Refused: ${how}; this is a reverse shell, handing control of the machine to whoever is at the other end.`,
    });
  };
  source.lines.forEach((line, index) => {
    if (!source.added[index] || isCommentLine(line)) return;
    if (devTcp.test(line) && devTcpAsShell.test(line)) report(index, "a shell reads and writes a network connection through /dev/tcp");
    else if (otherSocketShells.test(line)) report(index, "a network connection is bound to a command interpreter");
    else if (pipedShell.test(line)) report(index, "an interactive shell is piped through a network client");
    else if (connects.test(line) || handsToShell.test(line)) {
      const near = window(source, index, 8);
      if (connects.test(near) && handsToShell.test(near) && out.length === 0)
        report(index, "a socket is connected and its ends are handed to a shell");
    }
  });
  return out;
};
