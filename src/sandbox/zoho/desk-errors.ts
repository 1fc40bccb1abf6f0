import type { SandboxResponse } from "../core/http-service.js";

/** Zoho Desk error answers: always `{"errorCode","message"}` JSON, never HTML (zoho-desk.md §8). */

export interface FieldError {
  /** A JSON Pointer to the field, e.g. `/departmentId`. */
  fieldName: string;
  errorType: "missing" | "invalid" | "duplicate";
  errorMessage?: string;
}

export function deskError(status: number, errorCode: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body: { errorCode, message, ...extra } };
}

export const unauthorized = () => deskError(401, "UNAUTHORIZED", "You are not authenticated to perform this operation.");
export const invalidOAuth = () => deskError(401, "INVALID_OAUTH", "The OAuth Token you provided is invalid.");
export const scopeMismatch = () => deskError(401, "SCOPE_MISMATCH", "The OAuth token does not have the scope needed for this operation.");
export const orgMismatch = () => deskError(401, "OAUTH_ORG_MISMATCH", "The OAuth token you provided does not belong to the organization in the orgId header.");
export const urlNotFound = () => deskError(404, "URL_NOT_FOUND", "The URL you requested could not be found.");
export const methodNotAllowed = () => deskError(405, "METHOD_NOT_ALLOWED", "The method you requested is not allowed for this URL.");
export const unsupportedMediaType = () => deskError(415, "UNSUPPORTED_MEDIA_TYPE", "The media type of the request body is not supported.");
export const emptyPayload = () => deskError(422, "EMPTY_PAYLOAD", "The request body is empty.");
export const badRequest = (message: string) => deskError(400, "BAD_REQUEST", message);
export const unprocessable = (message: string) => deskError(422, "UNPROCESSABLE_ENTITY", message);
export const internalError = () => deskError(500, "INTERNAL_SERVER_ERROR", "An internal server error occurred while processing this request.");
export const resourceSizeExceeded = (maxBytes: number) =>
  deskError(413, "RESOURCE_SIZE_EXCEEDED", `The file you tried to upload exceeds the maximum size allowed (${maxBytes} bytes).`);

/** Concurrency cap: no Retry-After (zoho-desk.md §8). */
export const tooManyRequests = () => deskError(429, "TOO_MANY_REQUESTS", "You have made too many requests at the same time. Please try again after some time.");

/** Daily credits used up: Retry-After in seconds. */
export const thresholdExceeded = (retryAfterSeconds: number) =>
  deskError(
    429,
    "THRESHOLD_EXCEEDED",
    "The API credits allotted to your portal for the day have been used up.",
    {},
    { "Retry-After": String(retryAfterSeconds) },
  );

export function invalidData(errors: FieldError[]): SandboxResponse {
  return deskError(422, "INVALID_DATA", "An invalid value was found for a field, or a required field is missing.", { errors });
}
