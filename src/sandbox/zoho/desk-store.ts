import { IdSequence } from "./ids.js";
import {
  zohoTime,
  type DeskAgent,
  type DeskAttachment,
  type DeskComment,
  type DeskContact,
  type DeskDepartment,
  type DeskOrganization,
  type DeskTicket,
  type StoredAttachment,
} from "./desk-records.js";
import type { AgentSeed, DepartmentSeed } from "./options.js";

export interface DeskStoreSettings {
  now: () => number;
  orgId: string;
  companyName: string;
  portalName: string;
  edition: string;
  webOrigin: string;
  departments: DepartmentSeed[];
  agents: AgentSeed[];
  searchIndexLagMs: number;
}

/** Drops fields given as undefined, so they do not hide the defaults they are spread over. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

const STATUS_TYPES: Record<string, DeskTicket["statusType"]> = { Open: "Open", "On Hold": "On Hold", Escalated: "Open", Closed: "Closed" };
export const TICKET_STATUSES = Object.keys(STATUS_TYPES);

export type NewTicket = Pick<DeskTicket, "subject" | "departmentId" | "contactId"> & Partial<Omit<DeskTicket, "id" | "ticketNumber" | "webUrl">>;
export type NewContact = Pick<DeskContact, "lastName"> & Partial<Omit<DeskContact, "id" | "webUrl">>;
export type NewComment = Pick<DeskComment, "content" | "contentType" | "isPublic"> & { attachments?: DeskAttachment[] };

/**
 * One Zoho Desk portal's data. Records are kept as the API shows them; `createdAt` (clock ms)
 * decides when the search index has caught up with a record.
 */
export class DeskStore {
  readonly ids = new IdSequence();
  readonly organization: DeskOrganization;
  readonly departments: DeskDepartment[];
  readonly agents: DeskAgent[];
  readonly tickets = new Map<string, DeskTicket>();
  readonly contacts = new Map<string, DeskContact>();
  readonly comments = new Map<string, DeskComment[]>();
  readonly attachments = new Map<string, StoredAttachment[]>();
  private readonly createdAt = new Map<string, number>();
  private nextTicketNumber = 101;
  searchIndexLagMs: number;

  constructor(private readonly settings: DeskStoreSettings) {
    this.searchIndexLagMs = settings.searchIndexLagMs;
    const now = zohoTime(settings.now());
    const portalURL = `${settings.webOrigin}/support/${settings.portalName}`;
    this.organization = {
      id: settings.orgId,
      companyName: settings.companyName,
      portalName: settings.portalName,
      portalURL,
      edition: settings.edition,
      isDefault: true,
      isAdminInOrg: true,
      isPayloadEncryptionEnabled: false,
      alias: null,
      currencyLocale: "en_IN",
      logoURL: null,
    };
    const apiUserId = settings.agents[0]?.id ?? this.ids.take();
    this.departments = settings.departments.map((d, index) => ({
      id: d.id ?? this.ids.take(),
      name: d.name,
      description: null,
      isEnabled: d.isEnabled ?? true,
      isDefault: d.isDefault ?? index === 0,
      nameInCustomerPortal: d.name,
      chatStatus: "NOT_CREATED",
      creatorId: apiUserId,
      createdTime: now,
      hasLogo: false,
      isVisibleInCustomerPortal: true,
      sanitizedName: d.name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      isAssignToTeamEnabled: false,
    }));
    this.agents = settings.agents.map((a, index) => {
      const id = index === 0 ? apiUserId : (a.id ?? this.ids.take());
      return {
        id,
        firstName: a.firstName ?? "",
        lastName: a.lastName,
        name: [a.firstName, a.lastName].filter(Boolean).join(" "),
        emailId: a.emailId,
        status: a.status ?? "ACTIVE",
        zuid: String(70_000_000 + index),
        associatedDepartmentIds: a.departmentIds ?? this.departments.map((d) => d.id),
        roleId: "1892000000005001",
        profileId: "1892000000005021",
        rolePermissionType: index === 0 ? "Admin" : "AgentPublic",
        isConfirmed: true,
        photoURL: null,
        phone: null,
        mobile: null,
        langCode: "en_US",
        timeZone: "Asia/Kolkata",
      };
    });
  }

  /** The agent the OAuth token belongs to: author of everything made through the API. */
  get apiUser(): DeskAgent {
    const user = this.agents[0];
    if (!user) throw new Error("the sandbox desk needs at least one agent");
    return user;
  }

  /** `alreadyIndexed`: for records a test puts in place, which search should find at once. */
  private stamp(id: string, alreadyIndexed = false): void {
    this.createdAt.set(id, alreadyIndexed ? Number.NEGATIVE_INFINITY : this.settings.now());
  }

  /** Whether search can see the record yet. */
  isIndexed(id: string): boolean {
    const created = this.createdAt.get(id);
    return created === undefined || this.settings.now() >= created + this.searchIndexLagMs;
  }

  webUrl(kind: "Cases" | "Contacts", id: string): string {
    return `${this.organization.portalURL}/ShowHomePage.do#${kind}/dv/${id}`;
  }

  createContact(fields: NewContact, options: { alreadyIndexed?: boolean } = {}): DeskContact {
    const id = this.ids.take();
    const now = zohoTime(this.settings.now());
    const contact: DeskContact = {
      firstName: null,
      email: null,
      secondaryEmail: null,
      phone: null,
      mobile: null,
      description: null,
      title: null,
      type: null,
      ownerId: this.apiUser.id,
      accountId: null,
      createdTime: now,
      modifiedTime: now,
      isSpam: false,
      isAnonymous: false,
      isDeleted: false,
      photoURL: null,
      cf: {},
      ...defined(fields),
      id,
      webUrl: this.webUrl("Contacts", id),
    };
    this.contacts.set(id, contact);
    this.stamp(id, options.alreadyIndexed);
    return contact;
  }

  createTicket(fields: NewTicket, options: { alreadyIndexed?: boolean } = {}): DeskTicket {
    const id = this.ids.take();
    const now = zohoTime(this.settings.now());
    const status = fields.status ?? "Open";
    const ticket: DeskTicket = {
      description: null,
      channel: "Email",
      email: null,
      phone: null,
      priority: null,
      assigneeId: null,
      teamId: null,
      category: null,
      subCategory: null,
      classification: null,
      language: "English",
      productId: null,
      accountId: null,
      layoutId: "1892000000074011",
      dueDate: null,
      responseDueDate: null,
      resolution: null,
      createdTime: now,
      modifiedTime: now,
      customerResponseTime: now,
      closedTime: null,
      onholdTime: null,
      createdBy: this.apiUser.id,
      modifiedBy: this.apiUser.id,
      commentCount: "0",
      threadCount: "0",
      attachmentCount: "0",
      isSpam: false,
      isOverDue: false,
      isEscalated: status === "Escalated",
      isArchived: false,
      sentiment: null,
      channelCode: null,
      source: { appName: null, extId: null, type: "SYSTEM", permalink: null, appPhotoURL: null },
      cf: {},
      customFields: {},
      secondaryContacts: [],
      ...defined(fields),
      status,
      statusType: STATUS_TYPES[status] ?? "Open",
      id,
      ticketNumber: String(this.nextTicketNumber++),
      webUrl: this.webUrl("Cases", id),
    };
    this.tickets.set(id, ticket);
    this.stamp(id, options.alreadyIndexed);
    return ticket;
  }

  addComment(ticket: DeskTicket, fields: NewComment): DeskComment {
    const user = this.apiUser;
    const comment: DeskComment = {
      id: this.ids.take(),
      content: fields.content,
      contentType: fields.contentType,
      isPublic: fields.isPublic,
      commentedTime: zohoTime(this.settings.now()),
      modifiedTime: null,
      commenterId: user.id,
      commenter: { id: user.id, firstName: user.firstName, lastName: user.lastName, name: user.name, photoURL: null, roleName: "Administrator", type: "AGENT", email: user.emailId },
      attachments: fields.attachments ?? [],
      encodedContent: null,
      impersonatedUser: null,
    };
    const list = this.comments.get(ticket.id) ?? [];
    list.push(comment);
    this.comments.set(ticket.id, list);
    ticket.commentCount = String(list.length);
    ticket.modifiedTime = comment.commentedTime;
    return comment;
  }

  addAttachment(ticket: DeskTicket, file: { name: string; content: Buffer; contentType: string | null; isPublic: boolean }, apiOrigin: string): DeskAttachment {
    const id = this.ids.take();
    const attachment: DeskAttachment = {
      id,
      name: file.name,
      size: String(file.content.length),
      isPublic: file.isPublic,
      creatorId: this.apiUser.id,
      createdTime: zohoTime(this.settings.now()),
      href: `${apiOrigin}/api/v1/tickets/${ticket.id}/attachments/${id}/content`,
      previewurl: null,
    };
    const list = this.attachments.get(ticket.id) ?? [];
    list.push({ ticketId: ticket.id, attachment, content: file.content, contentType: file.contentType });
    this.attachments.set(ticket.id, list);
    ticket.attachmentCount = String(list.length);
    ticket.modifiedTime = attachment.createdTime;
    return attachment;
  }
}
