export interface TranscriptTurn {
  /** `Agent`/`Customer` for dual-channel recordings, `Speaker 1`, `Speaker 2`, … when diarised. */
  speaker: string;
  startSeconds: number;
  text: string;
}

export interface Transcript {
  turns: TranscriptTurn[];
  durationSeconds: number | null;
  /** Languages the recogniser reported, e.g. `["hi", "en"]` for Hinglish. */
  languages: string[];
}

export function hasSpeech(transcript: Transcript): boolean {
  return transcript.turns.some((turn) => turn.text.trim() !== "");
}

/** One line per turn, `Speaker: text`, the form the transcript comment carries. */
export function formatTranscript(transcript: Transcript): string {
  return transcript.turns
    .filter((turn) => turn.text.trim() !== "")
    .map((turn) => `${turn.speaker}: ${turn.text.trim()}`)
    .join("\n");
}
