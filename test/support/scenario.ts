import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { FAST_SETTINGS, Workspace } from "./workspace.js";

export interface Scenario {
  sandbox: Sandbox;
  workspace: Workspace;
  /** The environment written to the workspace's .env. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A sandbox and a workspace whose .env points at it, with the sample agents configured. */
export async function startScenario(options: { sandbox?: SandboxOptions; env?: Record<string, string>; agents?: unknown } = {}): Promise<Scenario> {
  const sandbox = await startSandbox(options.sandbox);
  const env = sandbox.daemonEnv({ ...FAST_SETTINGS, ...options.env });
  const workspace = await Workspace.create(env, options.agents ?? sandbox.agentsConfig());
  return {
    sandbox,
    workspace,
    env,
    async cleanup() {
      await sandbox.stop();
      await workspace.remove();
    },
  };
}
