import { cpus, release, totalmem, type } from "node:os";
import { readFileSync } from "node:fs";

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  os: string;
}

/** The kernel's major.minor version: the build suffix says nothing about speed. */
function kernel(): string {
  return `${type()} ${release().split(".").slice(0, 2).join(".")}`;
}

function osName(): string {
  try {
    const text = readFileSync("/etc/os-release", "utf8");
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1];
    if (pretty) return `${pretty}, ${kernel()}`;
  } catch {
    // Not Linux, or no os-release: the kernel's name will do.
  }
  return kernel();
}

/** The hardware and software the numbers were measured on. */
export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    ramGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    os: osName(),
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, Node ${m.node}, ${m.os}`;
}
