import type { CodeFinding, CodeRule } from "./code-source.js";
import { isCommentLine } from "./code-source.js";

/** Code executed from text (see remote-code.ts), plus the computed-name forms used to hide the call. */
const sink =
  /(?<![\w.$])(eval|exec|Function|compile|loadstring)\s*\(|new\s+Function\s*\(|\.(_compile|runInThisContext|runInNewContext|instance_eval|class_eval)\s*\(|\bvm\.(run\w*|Script)\b|new\s+module\.constructor\b|\[\s*["'](eval|_compile|exec|Function)["']\s*\]|\bmarshal\.loads\b|\bpickle\.loads\b|\beval\b\s+["'`]?\$/;
/** Decoding, decrypting or unpacking, in code and in shell. */
const decoder =
  /Buffer\.from\s*\([^)]*,\s*["'](hex|base64)["']|\batob\s*\(|\bb64decode\b|\bbase64\.(decode|b64decode|standard_b64decode)|decodestring|fromCharCode|createDecipher(iv)?\b|\bzlib\.(inflate|gunzip|decompress)|codecs\.decode|unhexlify|bytes\.fromhex|\.decode\(\s*["'](hex|rot13|base64)|Base64\.decode|\bbase64\s+(-d|--decode)\b|\b(xz|unxz|gzip|gunzip|bzip2|zstd)\s+-[a-z]*d|\bzcat\b|\bopenssl\s+enc\b[^\n]*-d|\bxxd\s+-r|\buudecode\b|decode_base64|MIME::Base64|\btr\s+["'][^"']*\\t|\brev\b\s*\|/;

/**
 * Decoded, decrypted or unpacked data executed as code, the disguise of the
 * event-stream payload (hex-decoded, decrypted, compiled through
 * `module.constructor`) and of xz's build script (a test file unpacked and
 * translated with `tr`, then `eval`ed). Reported when a sink and a decoder
 * are both in the change's added lines of one file or command, at the sink.
 */
/** A decoder's output piped straight into a shell or interpreter: `openssl enc -d … | bash`, `xxd -r -p | sh`, `gpg -d x | python3`. */
const shellDecoder =
  /\bbase64\s+(-d|--decode)\b|\bopenssl\s+(enc|aes\S*|des\S*)\b[^|\n]*\s-d\b|\bxxd\s+-r|\b(gunzip|zcat|unxz)\b|\b(xz|bzip2|zstd)\s+-[a-z]*d|\bgpg\s+(-d|--decrypt)\b/;
const intoRunner = /\|\s*(sudo\s+)?(\S*\/)?((ba|z|da|k)?sh|python[23]?|perl|ruby|node|php)\b\s*(-\s*|-s\b.*)?$/;

export const obfuscatedExecRule: CodeRule = (source) => {
  if (source.language === "shell") {
    const index = source.lines.findIndex((l, i) => {
      if (!source.added[i] || isCommentLine(l)) return false;
      const decoder = shellDecoder.exec(l);
      return decoder !== null && intoRunner.test(l.slice(decoder.index));
    });
    if (index >= 0)
      return [
        {
          ruleId: "code.obfuscated-exec",
          index,
          message:
            "Refused: decoded or decrypted data is piped straight into a shell or interpreter, the way hidden payloads are delivered.",
        },
      ];
  }
  const added = source.lines.filter((l, i) => source.added[i] && !isCommentLine(l));
  if (!added.some((l) => decoder.test(l))) return [];
  const out: CodeFinding[] = [];
  const index = source.lines.findIndex((l, i) => source.added[i] && !isCommentLine(l) && sink.test(l));
  if (index >= 0)
    out.push({
      ruleId: "code.obfuscated-exec",
      index,
      message:
        "Refused: data is decoded, decrypted or unpacked and then executed as code, the way hidden payloads are delivered; nothing legitimate needs to hide its code.",
    });
  return out;
};
