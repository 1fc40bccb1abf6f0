import type { ListenOptions } from "./listen-options.js";
import { type TimedWord, wordsText } from "./words.js";

/**
 * `alternatives[].paragraphs` (deepgram.md §2): sentences grouped into paragraphs, a new paragraph
 * when the speaker changes (under diarisation) or after a long pause; the transcript starts with
 * a newline and separates paragraphs by a blank line, `Speaker N: ` first when diarised.
 */
const PARAGRAPH_PAUSE_SECONDS = 5;
const SENTENCE_END = /[.?!।]["')\]]*$/;

interface Sentence {
  words: TimedWord[];
}

function sentencesOf(words: readonly TimedWord[]): Sentence[] {
  const sentences: Sentence[] = [];
  let current: TimedWord[] = [];
  words.forEach((word, i) => {
    current.push(word);
    const next = words[i + 1];
    // A scripted utterance also ends its sentence, punctuated or not.
    if (SENTENCE_END.test(word.punctuated) || !next || next.utterance !== word.utterance) {
      sentences.push({ words: current });
      current = [];
    }
  });
  return sentences;
}

export function paragraphsJson(words: readonly TimedWord[], options: ListenOptions): { transcript: string; paragraphs: unknown[] } {
  const groups: TimedWord[][] = [];
  words.forEach((word, i) => {
    const previous = words[i - 1];
    const breaks = !previous || (options.diarize && previous.speaker !== word.speaker) || word.start - previous.end > PARAGRAPH_PAUSE_SECONDS;
    if (breaks) groups.push([]);
    groups[groups.length - 1]!.push(word);
  });
  const paragraphs = groups.map((group) => {
    const sentences = sentencesOf(group).map((s) => ({ text: wordsText(s.words, options), start: s.words[0]!.start, end: s.words[s.words.length - 1]!.end }));
    return {
      sentences,
      ...(options.diarize ? { speaker: group[0]!.speaker } : {}),
      num_words: group.length,
      start: group[0]!.start,
      end: group[group.length - 1]!.end,
    };
  });
  const transcript =
    paragraphs.length === 0
      ? ""
      : `\n${paragraphs.map((p) => `${options.diarize ? `Speaker ${p.speaker}: ` : ""}${p.sentences.map((s) => s.text).join(" ")}`).join("\n\n")}`;
  return { transcript, paragraphs };
}
