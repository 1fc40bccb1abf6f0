import { randomUUID } from "node:crypto";
import { intents, sentiments, summary, topics, type Segment } from "./intelligence.js";
import type { ListenOptions } from "./listen-options.js";
import { modelInfo, stableUuid } from "./models.js";
import { paragraphsJson } from "./paragraphs.js";
import type { ResolvedScript } from "./transcript-script.js";
import { meanConfidence, round, timeWords, wordJson, wordsText, type TimedWord } from "./words.js";

export interface ResponseMeta {
  requestId: string;
  sha256: string;
  created: Date;
}

/** Which channel of the response a scripted utterance lands on. */
function audioChannel(channel: number | undefined, speaker: number, audioChannels: number): number {
  const wanted = channel ?? (audioChannels >= 2 ? speaker : 0);
  return Math.min(wanted, audioChannels - 1);
}

function languagesOf(words: readonly TimedWord[]): string[] {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w.language, (counts.get(w.language) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([language]) => language);
}

function alternativeJson(words: readonly TimedWord[], options: ListenOptions): Record<string, unknown> {
  const alternative: Record<string, unknown> = {
    transcript: wordsText(words, options),
    confidence: meanConfidence(words),
  };
  if (options.language === "multi") alternative["languages"] = languagesOf(words);
  alternative["words"] = words.map((w) => wordJson(w, options));
  if (options.paragraphs) alternative["paragraphs"] = paragraphsJson(words, options);
  return alternative;
}

function channelJson(words: readonly TimedWord[], options: ListenOptions): Record<string, unknown> {
  const channel: Record<string, unknown> = { alternatives: [alternativeJson(words, options)] };
  if (options.detectLanguage) {
    const fallback = options.language === "multi" ? "en" : options.language;
    channel["detected_language"] = languagesOf(words)[0] ?? fallback;
    channel["language_confidence"] = words.length === 0 ? 0 : 0.97;
  }
  return channel;
}

/**
 * The 200 body of `/v1/listen` for a scripted audio (deepgram.md §2 and §5 point 4): one
 * `channels[]` entry per audio channel under `multichannel`, else one with everything mixed;
 * optional keys only when their option was given.
 */
export function listenResponse(script: ResolvedScript, options: ListenOptions, meta: ResponseMeta): Record<string, unknown> {
  const outputChannels = options.multichannel ? script.channels : 1;
  const ordered = script.utterances
    .map((u, index) => ({ u, index, channel: options.multichannel ? audioChannel(u.channel, u.speaker, script.channels) : 0 }))
    .sort((a, b) => a.u.start - b.u.start || a.channel - b.channel);
  const perUtterance = ordered.map(({ u, index, channel }) => ({ channel, words: timeWords(u, index, channel) }));
  const allWords = perUtterance.flatMap((p) => p.words);

  const channels = Array.from({ length: outputChannels }, (_, c) =>
    channelJson(
      allWords.filter((w) => w.channel === c),
      options,
    ),
  );

  const model = modelInfo(options.model);
  const modelId = stableUuid(`deepgram-sandbox:model:${model.name}:${model.version}`);
  const metadata: Record<string, unknown> = {
    transaction_key: "deprecated",
    request_id: meta.requestId,
    sha256: meta.sha256,
    created: meta.created.toISOString(),
    duration: round(script.durationSeconds, 6),
    channels: outputChannels,
    models: [modelId],
    model_info: { [modelId]: model },
  };
  if (options.tags.length > 0) metadata["tags"] = options.tags;
  if (Object.keys(options.extra).length > 0) metadata["extra"] = options.extra;

  const results: Record<string, unknown> = { channels };
  if (options.utterances) {
    results["utterances"] = perUtterance
      .filter((p) => p.words.length > 0)
      .map((p) => ({
        start: p.words[0]!.start,
        end: p.words[p.words.length - 1]!.end,
        confidence: meanConfidence(p.words),
        channel: p.channel,
        transcript: wordsText(p.words, options),
        words: p.words.map((w) => wordJson(w, options)),
        speaker: options.diarize ? p.words[0]!.speaker : 0,
        id: randomUUID(),
      }));
  }

  let position = 0;
  const segments: Segment[] = perUtterance
    .filter((p) => p.words.length > 0)
    .map((p) => {
      const segment = { text: wordsText(p.words, { ...options, punctuate: true }), startWord: position, endWord: position + p.words.length - 1, words: p.words };
      position += p.words.length;
      return segment;
    });
  const features = [
    [options.summarize, "summary", "summary_info", summary],
    [options.sentiment, "sentiments", "sentiment_info", sentiments],
    [options.topics, "topics", "topics_info", topics],
    [options.intents, "intents", "intents_info", intents],
  ] as const;
  for (const [asked, resultKey, infoKey, build] of features) {
    if (!asked) continue;
    const { result, info } = build(segments, allWords.length);
    results[resultKey] = result;
    metadata[infoKey] = info;
  }
  return { metadata, results };
}
