/**
 * The `/v1/listen` query as the emulator needs it. Booleans arrive as `true`/`false`, lists as
 * repeated keys (deepgram.md §1); unknown options are accepted and ignored, as Deepgram does.
 */
export interface ListenOptions {
  /** `base` when omitted, as Deepgram defaults. */
  model: string;
  language: string;
  punctuate: boolean;
  smartFormat: boolean;
  diarize: boolean;
  multichannel: boolean;
  utterances: boolean;
  paragraphs: boolean;
  detectLanguage: boolean;
  summarize: boolean;
  sentiment: boolean;
  topics: boolean;
  intents: boolean;
  callback: string | null;
  tags: string[];
  /** `extra=key:value` pairs, echoed in `metadata.extra`. */
  extra: Record<string, string>;
  /** Every key with all its values, in the order sent. */
  raw: Record<string, string[]>;
}

function flag(params: URLSearchParams, name: string): boolean {
  return params.getAll(name).some((v) => v.toLowerCase() === "true");
}

/** An option that is on unless absent or `false` (`diarize_model=latest`, `summarize=v2`, `detect_language=hi`). */
function onUnlessFalse(params: URLSearchParams, name: string): boolean {
  const values = params.getAll(name);
  return values.length > 0 && values.some((v) => v.toLowerCase() !== "false");
}

export function parseListenOptions(params: URLSearchParams): ListenOptions {
  const raw: Record<string, string[]> = {};
  for (const [key, value] of params) (raw[key] ??= []).push(value);
  const extra: Record<string, string> = {};
  for (const pair of params.getAll("extra")) {
    const at = pair.indexOf(":");
    if (at > 0) extra[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const smartFormat = flag(params, "smart_format");
  return {
    model: params.get("model") ?? "base",
    language: params.get("language") ?? "en",
    punctuate: flag(params, "punctuate") || smartFormat,
    smartFormat,
    diarize: flag(params, "diarize") || onUnlessFalse(params, "diarize_model"),
    multichannel: flag(params, "multichannel"),
    utterances: flag(params, "utterances"),
    paragraphs: flag(params, "paragraphs") || smartFormat,
    detectLanguage: onUnlessFalse(params, "detect_language"),
    summarize: onUnlessFalse(params, "summarize"),
    sentiment: flag(params, "sentiment"),
    topics: flag(params, "topics"),
    intents: flag(params, "intents"),
    callback: params.get("callback"),
    tags: params.getAll("tag"),
    extra,
    raw,
  };
}
