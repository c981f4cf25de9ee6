import type { CodeFinding, CodeRule } from "./code-source.js";
import { isCommentLine } from "./code-source.js";

const miner =
  /\b(xmrig|cpuminer|minerd|ethminer|nbminer|lolminer|phoenixminer|xmr-stak|t-rex)\b|stratum\+(tcp|ssl|tls):\/\/|\b(minexmr|supportxmr|hashvault|moneroocean|nanopool\.org|2miners\.com|f2pool|nicehash)\b|\b4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}\b/i;
const apiHijack =
  /\b(window|globalThis|self)\.fetch\s*=(?!=)|XMLHttpRequest\.prototype\.(open|send|setRequestHeader)\s*=(?!=)|\bethereum\.(request|send|sendAsync)\s*=(?!=)|new\s+Proxy\s*\(\s*(window\.)?ethereum\b/;
const persistencePath =
  /\.ssh\/authorized_keys|\/\.(bashrc|zshrc|bash_profile|profile|zprofile|bash_login)\b|['"`]\.(bashrc|zshrc|bash_profile|profile)['"`]|\/etc\/(cron|systemd|rc\.local|profile|sudoers|init\.d)|LaunchAgents|LaunchDaemons|\\CurrentVersion\\Run\b/;
const writes =
  /\b(writeFile|appendFile|writeFileSync|appendFileSync|createWriteStream|open|write_text|fopen|file_put_contents|File\.(write|open)|os\.WriteFile)\b|>>|\btee\b/;
const weakHash =
  /createHash\s*\(\s*["'](md5|sha1)["']|hashlib\.(md5|sha1)\s*\(|\bmd5\s*\(|\bsha1\s*\(|Digest::(MD5|SHA1)|MessageDigest\.getInstance\s*\(\s*"(MD5|SHA-?1)"|crypto\/(md5|sha1)/i;
const jwtUnverified =
  /\bjwt\.decode\s*\([^)]*(verify_signature["']?\s*:\s*False|verify\s*=\s*False)|algorithms?\s*[=:]\s*\[?\s*["']none["']|\bjwt\.decode\s*\(\s*\w+\s*(,\s*\{\s*complete\s*:\s*true\s*\})?\)|\bjwt_decode\s*\(|ParseUnverified\s*\(|\.decode\s*\(\s*\w+\s*,\s*verify\s*=\s*False/;

/**
 * Smaller classes a line can show: miners and mining pools, network or wallet
 * APIs replaced in place (the 2025 chalk/debug payload swapped wallet
 * addresses that way), code writing login hooks or authorised keys,
 * passwords hashed with MD5/SHA-1, and tokens decoded without verification.
 */
export const riskyCodeRule: CodeRule = (source) => {
  const out: CodeFinding[] = [];
  const verifiesSomewhere = source.lines.some((l) => /\bjwt\.verify\s*\(|\bverify\s*\(\s*token/.test(l));
  source.lines.forEach((line, index) => {
    if (!source.added[index] || isCommentLine(line)) return;
    if (miner.test(line))
      out.push({ ruleId: "code.cryptominer", index, message: "Refused: the code runs a cryptocurrency miner or talks to a mining pool." });
    else if (apiHijack.test(line))
      out.push({
        ruleId: "code.api-hijack",
        index,
        message: "Flagged: the code replaces fetch, XMLHttpRequest or a wallet API in place, which can read or rewrite every request.",
      });
    else if (persistencePath.test(line) && writes.test(line))
      out.push({
        ruleId: "privilege.persistence",
        index,
        message: "Refused: the code writes a login hook, scheduled job or authorised key outside the project, which outlives the task.",
      });
    else if (weakHash.test(line) && /passw|pwd|credential/i.test(line))
      out.push({
        ruleId: "security.weak-password-hash",
        index,
        message: "Flagged: passwords are hashed with MD5 or SHA-1, which are fast to crack; use bcrypt, scrypt or argon2.",
      });
    else if (
      jwtUnverified.test(line) &&
      !(source.language === "js" && verifiesSomewhere && !/none|verify_signature|verify\s*=\s*False/.test(line))
    )
      out.push({
        ruleId: "auth.token-unverified",
        index,
        message: "Flagged: a token is decoded without verifying its signature, so anyone can forge it.",
      });
  });
  return out;
};
