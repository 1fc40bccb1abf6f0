/** Zoho Desk records as the API shows them (zoho-desk.md §3–7; field sets from Zoho's OpenAPI files). */

export interface DeskOrganization {
  id: string;
  companyName: string;
  portalName: string;
  portalURL: string;
  edition: string;
  isDefault: boolean;
  isAdminInOrg: boolean;
  isPayloadEncryptionEnabled: boolean;
  alias: string | null;
  currencyLocale: string;
  logoURL: string | null;
}

export interface DeskDepartment {
  id: string;
  name: string;
  description: string | null;
  isEnabled: boolean;
  isDefault: boolean;
  nameInCustomerPortal: string;
  chatStatus: "AVAILABLE" | "DISABLED" | "NOT_CREATED";
  creatorId: string;
  createdTime: string;
  hasLogo: boolean;
  isVisibleInCustomerPortal: boolean;
  sanitizedName: string;
  isAssignToTeamEnabled: boolean;
}

export interface DeskAgent {
  id: string;
  firstName: string;
  lastName: string;
  name: string;
  emailId: string;
  status: "ACTIVE" | "DISABLED";
  zuid: string;
  associatedDepartmentIds: string[];
  roleId: string;
  profileId: string;
  rolePermissionType: string;
  isConfirmed: boolean;
  photoURL: string | null;
  phone: string | null;
  mobile: string | null;
  langCode: string;
  timeZone: string;
}

export interface DeskContact {
  id: string;
  firstName: string | null;
  lastName: string;
  email: string | null;
  secondaryEmail: string | null;
  phone: string | null;
  mobile: string | null;
  description: string | null;
  title: string | null;
  type: string | null;
  ownerId: string | null;
  accountId: string | null;
  createdTime: string;
  modifiedTime: string;
  isSpam: boolean;
  isAnonymous: boolean;
  isDeleted: boolean;
  photoURL: string | null;
  webUrl: string;
  cf: Record<string, unknown>;
}

export interface DeskTicket {
  id: string;
  ticketNumber: string;
  subject: string;
  description: string | null;
  status: string;
  statusType: "Open" | "On Hold" | "Closed";
  channel: string;
  departmentId: string;
  contactId: string;
  email: string | null;
  phone: string | null;
  priority: string | null;
  assigneeId: string | null;
  teamId: string | null;
  category: string | null;
  subCategory: string | null;
  classification: string | null;
  language: string | null;
  productId: string | null;
  accountId: string | null;
  layoutId: string;
  dueDate: string | null;
  responseDueDate: string | null;
  resolution: string | null;
  createdTime: string;
  modifiedTime: string;
  customerResponseTime: string;
  closedTime: string | null;
  onholdTime: string | null;
  createdBy: string;
  modifiedBy: string;
  commentCount: string;
  threadCount: string;
  attachmentCount: string;
  isSpam: boolean;
  isOverDue: boolean;
  isEscalated: boolean;
  isArchived: boolean;
  sentiment: string | null;
  channelCode: string | null;
  source: { appName: string | null; extId: string | null; type: string; permalink: string | null; appPhotoURL: string | null };
  cf: Record<string, unknown>;
  customFields: Record<string, unknown>;
  secondaryContacts: string[];
  webUrl: string;
}

export interface DeskCommenter {
  id: string;
  firstName: string;
  lastName: string;
  name: string;
  photoURL: string | null;
  roleName: string;
  type: "AGENT";
  email: string;
}

export interface DeskAttachment {
  id: string;
  name: string;
  size: string;
  isPublic: boolean;
  creatorId: string;
  createdTime: string;
  href: string;
  previewurl: string | null;
}

export interface DeskComment {
  id: string;
  content: string;
  contentType: "html" | "plainText";
  isPublic: boolean;
  commentedTime: string;
  modifiedTime: string | null;
  commenterId: string;
  commenter: DeskCommenter;
  attachments: DeskAttachment[];
  encodedContent: string | null;
  impersonatedUser: null;
}

/** An uploaded file: its API record, its bytes and the ticket it belongs to. */
export interface StoredAttachment {
  ticketId: string;
  attachment: DeskAttachment;
  content: Buffer;
  contentType: string | null;
}

/** Zoho times: ISO-8601 UTC, whole seconds, `.000Z`. */
export function zohoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}
