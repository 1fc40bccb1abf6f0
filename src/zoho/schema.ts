import { z } from "zod";

/** Zoho Accounts and Zoho Desk wire shapes (api/zoho-desk.md). Ids are strings; a number is accepted and turned into one. */

const Id = z.union([z.string().min(1), z.number()]).transform(String);

export const TokenResponse = z.looseObject({
  access_token: z.string().min(1).optional(),
  expires_in: z.union([z.number(), z.string()]).optional(),
  api_domain: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const DeskErrorBody = z.looseObject({
  errorCode: z.string().optional(),
  message: z.string().optional(),
  errors: z.array(z.looseObject({ fieldName: z.string().optional(), errorType: z.string().optional() })).optional(),
});

export const Contact = z.looseObject({ id: Id });
export const ContactList = z.looseObject({ data: z.array(Contact) });

export const Ticket = z.looseObject({
  id: Id,
  ticketNumber: Id,
  subject: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  webUrl: z.string().nullable().optional(),
  createdTime: z.string().nullable().optional(),
});
export type Ticket = z.infer<typeof Ticket>;
export const TicketList = z.looseObject({ data: z.array(Ticket) });

export const Comment = z.looseObject({ id: Id, content: z.string().nullable().optional() });
export const CommentList = z.looseObject({ data: z.array(Comment) });

export const DeskAgent = z.looseObject({ id: Id });
