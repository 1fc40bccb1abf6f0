export {
  createExotelEmulator,
  DEFAULT_SETTLE_DELAY_MS,
  SANDBOX_EXOTEL_ACCOUNT_SID,
  SANDBOX_EXOTEL_API_KEY,
  SANDBOX_EXOTEL_API_TOKEN,
} from "./emulator.js";
export type { AddedCall, ExotelEmulator, ExotelEmulatorOptions, RecordingDownload } from "./emulator.js";
export type { CallDirection, CallSeed, EmptyValues, RecordingSeed, StoredCall, TerminalStatus } from "./call-seed.js";
export { phaseOf, type CallPhase } from "./call-view.js";
export { syntheticRecordingBytes, syntheticRecordingStream, SYNTHETIC_BYTES_PER_SECOND, type SyntheticRecording } from "./synthetic-recording.js";
export { makeCallSid } from "./sids.js";
