import { z } from "zod";

/**
 * Exotel's wire format (api/exotel.md §2–4). Real responses disagree with the docs and with each
 * other: `""`, null and a missing key all mean "no value", and numbers come as numbers or strings.
 */

const nothing = (v: unknown) => v === "" || v === null || v === undefined;

export const OptionalText = z.preprocess((v) => (nothing(v) ? null : v), z.string().nullable());

export const OptionalNumber = z.preprocess((v) => {
  if (nothing(v)) return null;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return v;
}, z.number().nullable());

export const ExotelCall = z.looseObject({
  Sid: z.string().min(1),
  DateCreated: z.string().min(1),
  DateUpdated: OptionalText.optional(),
  StartTime: OptionalText.optional(),
  EndTime: OptionalText.optional(),
  To: OptionalText.optional(),
  From: OptionalText.optional(),
  PhoneNumberSid: OptionalText.optional(),
  PhoneNumber: OptionalText.optional(),
  Status: z.string().min(1),
  Duration: OptionalNumber.optional(),
  Direction: OptionalText.optional(),
  RecordingUrl: OptionalText.optional(),
  PreSignedRecordingUrl: OptionalText.optional(),
  Details: z
    .looseObject({
      ConversationDuration: OptionalNumber.optional(),
      Leg1Status: OptionalText.optional(),
      Leg2Status: OptionalText.optional(),
    })
    .nullable()
    .optional(),
});
export type ExotelCall = z.infer<typeof ExotelCall>;

export const ExotelCallPage = z.looseObject({
  Metadata: z
    .looseObject({
      Total: OptionalNumber.optional(),
      NextPageUri: OptionalText.optional(),
    })
    .nullable()
    .optional(),
  Calls: z.array(z.unknown()).nullable().optional(),
});
export type ExotelCallPage = z.infer<typeof ExotelCallPage>;

export const RestException = z.looseObject({
  RestException: z.looseObject({
    Status: OptionalNumber.optional(),
    Message: OptionalText.optional(),
    Code: z.unknown().optional(),
  }),
});
