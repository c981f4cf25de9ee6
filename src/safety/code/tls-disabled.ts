import type { CodeFinding, CodeRule } from "./code-source.js";
import { isCommentLine } from "./code-source.js";

/**
 * Certificate or hostname verification switched off, per language and tool.
 * JS/TS object keys (`rejectUnauthorized: false`) are found on the syntax
 * tree in ast-checks.ts; this covers the other languages and configuration.
 */
const disablers: RegExp[] = [
  /\bNODE_TLS_REJECT_UNAUTHORIZED\b["'\]]*\s*[:=]+\s*["']?0\b/,
  /\bverify\s*=\s*False\b/,
  /\bInsecureSkipVerify\s*:\s*true\b/,
  /\bssl\.CERT_NONE\b|\bcheck_hostname\s*=\s*False\b|_create_unverified_context\s*\(|\bPYTHONHTTPSVERIFY\b["']?\s*[:=]+\s*["']?0/,
  /\bVERIFY_NONE\b|\bverify_mode\s*[:=]\s*(OpenSSL::SSL::)?VERIFY_NONE|\bssl_verify(_peer|_host|peer|host)?\b["']?\s*(=>|[:=])\s*(false|0|False)\b/i,
  /CURLOPT_SSL_VERIFY(PEER|HOST)\s*,\s*(0|false)\b/i,
  /ServerCertificateValidationCallback\s*=[^;]*=>\s*true|TrustAllCerts|ALLOW_ALL_HOSTNAME_VERIFIER|NoopHostnameVerifier|setHostnameVerifier\s*\(\s*\(\s*\w*\s*,\s*\w*\s*\)\s*->\s*true/,
  /\bsslVerify\s*=?\s*false\b|\bGIT_SSL_NO_VERIFY\b\s*=\s*["']?(1|true)|\bstrict-ssl\b["']?\s*[=:]?\s*false\b|--no-check-certificate\b|\bcurl\b[^\n]*\s(-k|--insecure)\b|--trusted-host\b|\btls_verify\s*[:=]\s*false\b/i,
];

export const tlsDisabledRule: CodeRule = (source) => {
  const out: CodeFinding[] = [];
  source.lines.forEach((line, index) => {
    if (!source.added[index] || isCommentLine(line)) return;
    if (disablers.some((r) => r.test(line))) {
      out.push({
        ruleId: "security.tls-disabled",
        index,
        message: `Flagged: certificate verification is switched off (${line.trim().slice(0, 60)}), which lets anyone on the network impersonate the server.`,
      });
    }
  });
  return out;
};
