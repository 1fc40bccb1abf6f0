export { createOpenAIEmulator, SANDBOX_OPENAI_API_KEY } from "./emulator.js";
export type { OpenAIEmulator, OpenAIEmulatorOptions, RecordedAnalysisRequest } from "./emulator.js";
export type { RegisteredAnalysis } from "./answer.js";
export type { Endpoint, ScriptOptions, ScriptedOutcome } from "./outcomes.js";
