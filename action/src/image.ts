import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The sandbox image's `wave.image.version` label, or undefined when the image is not on this host. */
export async function imageVersion(image: string): Promise<string | undefined> {
  try {
    const { stdout } = await run("docker", ["image", "inspect", "--format", '{{index .Config.Labels "wave.image.version"}}', image]);
    const v = stdout.trim();
    return v && v !== "<no value>" ? v : "";
  } catch {
    return undefined;
  }
}

/**
 * Makes the sandbox image present and checks its version label: pulled from the operator's registry
 * when `pull` is set, else built from `runner-image/`'s recipe next to the action (the WAVE checkout
 * the workflow's `uses:` fetched). A wrong or missing label is refused: the image is not WAVE's.
 */
export async function ensureImage(options: {
  image: string;
  pull: boolean;
  expectedVersion?: string;
  recipeDir: string;
  log: (m: string) => void;
}): Promise<string> {
  let version = await imageVersion(options.image);
  if (version === undefined) {
    if (options.pull) {
      options.log(`Pulling the sandbox image ${options.image}.`);
      await run("docker", ["pull", options.image], { maxBuffer: 64 * 1024 * 1024 });
    } else {
      const build = join(options.recipeDir, "build.sh");
      if (!existsSync(build))
        throw new Error(
          `The sandbox image ${options.image} is not on this runner and there is no recipe at ${build}; set the image input to your registry's copy with pull: true.`,
        );
      options.log(`Building the sandbox image ${options.image} from ${options.recipeDir}.`);
      await run("bash", [build, "--if-missing"], {
        env: { ...process.env, WAVE_SANDBOX_IMAGE: options.image },
        maxBuffer: 256 * 1024 * 1024,
      });
    }
    version = await imageVersion(options.image);
  }
  if (!version)
    throw new Error(
      `The sandbox image ${options.image} carries no wave.image.version label; it was not built from WAVE's runner-image recipe.`,
    );
  if (options.expectedVersion && version !== options.expectedVersion)
    throw new Error(`The sandbox image ${options.image} is version ${version}, not ${options.expectedVersion} (image-version input).`);
  options.log(`Sandbox image ${options.image}, version ${version}.`);
  return version;
}
