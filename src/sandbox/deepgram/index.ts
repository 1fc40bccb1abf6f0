export { createDeepgramEmulator, SANDBOX_DEEPGRAM_API_KEY } from "./emulator.js";
export type { DeepgramEmulator, DeepgramEmulatorOptions, TranscriptionRecord } from "./emulator.js";
export type { TranscriptMatch, TranscriptSource } from "./registry.js";
export type { ScriptedUtterance, TranscriptScript } from "./transcript-script.js";
export type { ListenOptions } from "./listen-options.js";
export { deepgramErrorFault, deepgramErrorResponse, type DeepgramErrorOptions } from "./errors.js";
export { probeAudio, type AudioProbe } from "./audio-probe.js";
export { findCallMarker } from "../core/audio-marker.js";
