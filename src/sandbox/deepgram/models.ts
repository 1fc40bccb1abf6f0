import { createHash } from "node:crypto";

/** A stable UUID-shaped id derived from a name, so one model keeps one id across requests. */
export function stableUuid(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface ModelInfo {
  name: string;
  version: string;
  arch: string;
}

/** `metadata.model_info` entries as real responses name them (`general-nova-3`, arch `nova-3`). */
export function modelInfo(model: string): ModelInfo {
  const known: Record<string, ModelInfo> = {
    "nova-3": { name: "general-nova-3", version: "2025-07-31.0", arch: "nova-3" },
    "nova-3-general": { name: "general-nova-3", version: "2025-07-31.0", arch: "nova-3" },
    "nova-2": { name: "general-nova-2", version: "2024-01-18.26916", arch: "nova-2" },
    "nova-2-general": { name: "general-nova-2", version: "2024-01-18.26916", arch: "nova-2" },
    "nova-2-phonecall": { name: "phonecall-nova-2", version: "2024-01-18.26916", arch: "nova-2" },
    nova: { name: "general-nova", version: "2024-01-06.5664", arch: "nova" },
    enhanced: { name: "general-enhanced", version: "2022-05-18.1", arch: "enhanced" },
    base: { name: "general", version: "2024-01-26.8851", arch: "base" },
  };
  return known[model] ?? { name: model, version: "2025-01-01.0", arch: model.split("-").slice(0, 2).join("-") };
}

/** The id Deepgram reports for the audio-intelligence models (`summary_info.model_uuid` …). */
export function featureModelUuid(feature: "summary" | "sentiment" | "topics" | "intents"): string {
  return stableUuid(`deepgram-sandbox:${feature}`);
}
