import type { Transcript, TranscriptTurn } from "../domain/transcript.js";
import type { ListenResponse } from "./schema.js";

/** Exotel's dual-channel layout: the agent on the first channel, the customer on the second. */
const CHANNEL_SPEAKERS = ["Agent", "Customer"];

function speakerLabel(multichannel: boolean, channel: number, speaker: number | undefined): string {
  if (multichannel) return CHANNEL_SPEAKERS[channel] ?? `Channel ${channel + 1}`;
  return speaker === undefined ? "Speaker" : `Speaker ${speaker + 1}`;
}

/** A pause this long (seconds) starts a new turn even when the speaker stays the same. */
const TURN_PAUSE_SECONDS = 1.5;

/** Groups consecutive words of one speaker into turns, for answers without utterances. */
function turnsFromWords(response: ListenResponse, multichannel: boolean): TranscriptTurn[] {
  const turns: TranscriptTurn[] = [];
  response.results.channels.forEach((channel, index) => {
    const alternative = channel.alternatives[0];
    if (!alternative) return;
    if (alternative.words.length === 0) {
      if (alternative.transcript.trim() !== "") turns.push({ speaker: speakerLabel(multichannel, index, undefined), startSeconds: 0, text: alternative.transcript.trim() });
      return;
    }
    let current: TranscriptTurn | null = null;
    let lastEnd = -Infinity;
    for (const word of alternative.words) {
      const speaker = speakerLabel(multichannel, index, word.speaker);
      const text = word.punctuated_word ?? word.word;
      if (current && current.speaker === speaker && word.start - lastEnd < TURN_PAUSE_SECONDS) current.text += ` ${text}`;
      else turns.push((current = { speaker, startSeconds: word.start, text }));
      lastEnd = word.end;
    }
  });
  return turns.sort((a, b) => a.startSeconds - b.startSeconds);
}

/** Deepgram's answer as speaker turns in time order. */
export function toTranscript(response: ListenResponse, multichannel: boolean): Transcript {
  const utterances = response.results.utterances;
  const turns: TranscriptTurn[] =
    utterances && utterances.length > 0
      ? [...utterances]
          .sort((a, b) => a.start - b.start)
          .filter((u) => u.transcript.trim() !== "")
          .map((u) => ({ speaker: speakerLabel(multichannel, u.channel, u.speaker), startSeconds: u.start, text: u.transcript.trim() }))
      : turnsFromWords(response, multichannel);
  const languages = new Set<string>();
  for (const channel of response.results.channels) {
    if (channel.detected_language) languages.add(channel.detected_language);
    for (const language of channel.alternatives[0]?.languages ?? []) languages.add(language);
  }
  return { turns, durationSeconds: response.metadata?.duration ?? null, languages: [...languages] };
}
