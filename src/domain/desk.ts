/** What the pipeline asks of a help desk, in our words (the Zoho adapter speaks Zoho's). */

export interface ContactRef {
  id: string;
}

export interface TicketRef {
  id: string;
  number: string;
  webUrl: string | null;
}

export interface TicketDraft {
  subject: string;
  description: string;
  departmentId: string;
  contactId: string;
  phone: string;
  channel: "Phone";
  status: "Open";
  priority: string;
  assigneeId: string | null;
}

export interface CommentDraft {
  content: string;
  isPublic: false;
  contentType: "plainText";
}

export interface CommentRef {
  id: string;
}

export interface ExistingComment {
  id: string;
  content: string;
}
