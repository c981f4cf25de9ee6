import picomatch from "picomatch";

const loopback = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|0\.0\.0\.0|::1|\[::1\]|0:0:0:0:0:0:0:1)$/i;

/** Whether a host is this machine or one the configuration allows. */
export function isAllowedHost(host: string, allowed: string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (loopback.test(h)) return true;
  return (
    allowed.length > 0 &&
    picomatch.isMatch(
      h,
      allowed.map((a) => a.toLowerCase()),
      { dot: true },
    )
  );
}

/** The host a URL, `user@host:path`, `host:port` or bare host names; null when it names none. */
export function hostOf(target: string): string | null {
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)/i.exec(target);
  if (url) return (url[1] as string).replace(/^\[|\]$/g, "") === "::1" ? "::1" : (url[1] as string);
  const scp = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)/.exec(target);
  if (scp && /[.]|localhost/.test(scp[1] as string)) return scp[1] as string;
  const userHost = /^[^@/\s]+@([A-Za-z0-9.-]+)$/.exec(target);
  if (userHost) return userHost[1] as string;
  const bare = /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+|localhost|\[?::1\]?)(:\d+)?(\/.*)?$/.exec(target);
  if (bare && !/\.(json|txt|sh|js|ts|py|md|html|tar|gz|zip|log|yml|yaml|xml|csv)$/i.test(bare[1] as string))
    return (bare[1] as string).replace(/^\[|\]$/g, "");
  return null;
}
