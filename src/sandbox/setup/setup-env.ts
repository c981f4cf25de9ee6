import { FORWARDER_PORT } from "../../egress/forwarder-script.js";
import type { SetupPlan } from "./detect-setup.js";

/**
 * The environment of the setup command: every package manager pointed at the forwarder on
 * loopback, lifecycle scripts off, no telemetry. Registries with a route (`/r/<name>/`) are reached
 * through the reverse proxy (where the app may add a token); anything else asks the proxy with
 * an absolute URI or CONNECT, which it allows for the registries' hosts only. Environment
 * variables beat a repository's .npmrc, so a committed registry setting cannot route around it.
 */
export function setupEnv(plan: SetupPlan, port: number = FORWARDER_PORT): Record<string, string> {
  const proxy = `http://127.0.0.1:${port}`;
  const route = (name: string) => `${proxy}/r/${name}`;
  const has = (name: string) => plan.registries[name] !== undefined;
  const env: Record<string, string> = {
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    CI: "true",
    npm_config_ignore_scripts: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    npm_config_cache: "/tmp/.wave-npm-cache",
    PIP_NO_INPUT: "1",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    YARN_ENABLE_SCRIPTS: "false",
    YARN_ENABLE_TELEMETRY: "0",
    COREPACK_ENABLE_DOWNLOAD_PROMPT: "0",
  };
  if (has("npm")) {
    // The lockfile's `resolved` URLs keep their path; npm swaps their host for this registry.
    env.npm_config_registry = `${route("npm")}/`;
    env.npm_config_replace_registry_host = "always";
    env.YARN_NPM_REGISTRY_SERVER = route("npm");
    env.COREPACK_NPM_REGISTRY = route("npm");
  }
  if (has("yarn")) env.YARN_REGISTRY = route("yarn");
  if (has("pypi")) {
    env.PIP_INDEX_URL = `${route("pypi")}/simple`;
    env.UV_INDEX_URL = `${route("pypi")}/simple`;
  }
  if (has("go-proxy")) env.GOPROXY = route("go-proxy");
  const javaProxy = `-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=${port} -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=${port}`;
  env.MAVEN_OPTS = javaProxy;
  env.GRADLE_OPTS = javaProxy;
  return env;
}
