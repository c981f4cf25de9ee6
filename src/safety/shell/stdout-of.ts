import type { SimpleCommand } from "./simple-command.js";

/** Programs that only transform their input, so what runs after them is what went in. */
export const transformPrograms = new Set([
  "base64",
  "base32",
  "xxd",
  "rev",
  "cat",
  "tr",
  "gunzip",
  "zcat",
  "gzip",
  "openssl",
  "tac",
  "sed",
  "awk",
  "head",
  "tail",
]);

/**
 * The text a command writes to standard output, when it can be known without
 * running anything: `echo`, `printf`, `cat` of its input, and the decoders a
 * disguise uses (`base64 -d`, `xxd -r -p`, `rev`). Null otherwise.
 */
export function stdoutOf(command: SimpleCommand, input: string | null): string | null {
  const { name, args } = command;
  const stdin = command.stdin ?? input;
  switch (name) {
    case "echo": {
      let rest = args;
      let escapes = false;
      while (rest[0] && /^-[neE]+$/.test(rest[0])) {
        if (rest[0].includes("e")) escapes = true;
        rest = rest.slice(1);
      }
      const text = rest.join(" ");
      return escapes ? interpretEscapes(text) : text;
    }
    case "printf": {
      const [format = "", ...values] = args;
      let index = 0;
      const text = format.replace(/%[sbd]/g, () => values[index++] ?? "");
      return interpretEscapes(text) + values.slice(index).join("");
    }
    case "pwd":
      return command.cwd !== null && command.cwd.startsWith("/") ? command.cwd : null;
    case "cat":
      return args.length === 0 || args.every((a) => a === "-") ? stdin : null;
    case "base64":
    case "base32": {
      if (!args.some((a) => a === "-d" || a === "--decode" || a === "-D" || /^-[a-z]*d/.test(a))) return null;
      return stdin === null || name === "base32" ? null : decodeBase64(stdin);
    }
    case "openssl":
      return args.includes("-d") && args.some((a) => a === "base64" || a === "-base64" || a === "-a") && stdin !== null
        ? decodeBase64(stdin)
        : null;
    case "xxd":
      return args.includes("-r") && args.includes("-p") && stdin !== null ? decodeHex(stdin) : null;
    case "rev":
      return stdin === null
        ? null
        : stdin
            .split("\n")
            .map((l) => [...l].reverse().join(""))
            .join("\n");
    default:
      return null;
  }
}

function interpretEscapes(text: string): string {
  return text
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\0?([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
    .replace(/\\n/g, "\n")
    .replace(/\\t/g, "\t");
}

/** Decodes base64 when the result is readable text; a binary blob is not a script. */
export function decodeBase64(text: string): string | null {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(clean) || clean.length < 4) return null;
  const decoded = Buffer.from(clean, "base64").toString("utf8");
  return readable(decoded) ? decoded : null;
}

function decodeHex(text: string): string | null {
  const clean = text.replace(/\s+/g, "");
  if (!/^([0-9a-fA-F]{2})+$/.test(clean)) return null;
  const decoded = Buffer.from(clean, "hex").toString("utf8");
  return readable(decoded) ? decoded : null;
}

function readable(text: string): boolean {
  if (text.length === 0) return false;
  const printable = [...text].filter((c) => c === "\n" || c === "\t" || (c >= " " && c !== "\u007f" && c !== "\ufffd")).length;
  return printable / text.length > 0.95;
}
