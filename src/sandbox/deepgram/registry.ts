import type { AudioProbe } from "./audio-probe.js";
import { genericScript, MIN_GENERIC_SPEECH_SECONDS, TranscriptScript, type ResolvedScript } from "./transcript-script.js";

/** `{ sha256 }` of the exact audio bytes, or `{ callSid }` read from a synthetic recording's marker. */
export type TranscriptMatch = { sha256: string } | { callSid: string };

/**
 * Where a response's words came from: a registration (by hash or by call), or, for audio nobody
 * scripted, a generic support call, or silence when the audio is silent or under 1.5 s.
 */
export type TranscriptSource = "sha256" | "callSid" | "generic" | "silence";

function keyOf(match: TranscriptMatch): string {
  return "sha256" in match ? `sha256:${match.sha256.toLowerCase()}` : `call:${match.callSid}`;
}

export class TranscriptRegistry {
  private readonly scripts = new Map<string, { script: TranscriptScript; token: object }>();

  register(match: TranscriptMatch, input: TranscriptScript): () => void {
    const script = TranscriptScript.parse(input);
    const key = keyOf(match);
    const token = {};
    this.scripts.set(key, { script, token });
    return () => {
      // Only remove what this call registered, not a later registration for the same audio.
      if (this.scripts.get(key)?.token === token) this.scripts.delete(key);
    };
  }

  clear(): void {
    this.scripts.clear();
  }

  resolve(sha256: string, probe: AudioProbe): { script: ResolvedScript; source: TranscriptSource } {
    const byHash = this.scripts.get(keyOf({ sha256 }));
    const byCall = probe.callSid === null ? undefined : this.scripts.get(keyOf({ callSid: probe.callSid }));
    const found = byHash ?? byCall;
    if (found) {
      const source: TranscriptSource = byHash ? "sha256" : "callSid";
      const script = found.script;
      if (script === "silence") return { script: { channels: probe.channels, durationSeconds: probe.durationSeconds, utterances: [] }, source };
      return { script: { channels: script.channels ?? probe.channels, durationSeconds: script.durationSeconds, utterances: script.utterances }, source };
    }
    if (probe.silent || probe.durationSeconds < MIN_GENERIC_SPEECH_SECONDS) {
      return { script: { channels: probe.channels, durationSeconds: probe.durationSeconds, utterances: [] }, source: "silence" };
    }
    return { script: genericScript(probe.durationSeconds, probe.channels), source: "generic" };
  }
}
