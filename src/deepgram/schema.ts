import { z } from "zod";

/** The parts of Deepgram's `/v1/listen` answer we use (api/deepgram.md §2); everything else passes. */

const Word = z.looseObject({
  word: z.string(),
  start: z.number(),
  end: z.number(),
  punctuated_word: z.string().optional(),
  speaker: z.number().optional(),
  language: z.string().optional(),
});

const Alternative = z.looseObject({
  transcript: z.string(),
  words: z.array(Word).optional().default([]),
  languages: z.array(z.string()).optional(),
});

const Channel = z.looseObject({
  alternatives: z.array(Alternative),
  detected_language: z.string().optional(),
});

const Utterance = z.looseObject({
  start: z.number(),
  end: z.number(),
  channel: z.number().optional().default(0),
  speaker: z.number().optional(),
  transcript: z.string(),
});

export const ListenResponse = z.looseObject({
  metadata: z.looseObject({ duration: z.number().optional(), channels: z.number().optional() }).optional(),
  results: z.looseObject({
    channels: z.array(Channel),
    utterances: z.array(Utterance).optional(),
  }),
});
export type ListenResponse = z.infer<typeof ListenResponse>;

export const DeepgramErrorBody = z.looseObject({
  err_code: z.string().optional(),
  err_msg: z.string().optional(),
  category: z.string().optional(),
  message: z.string().optional(),
});
