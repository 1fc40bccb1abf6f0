import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/**
 * Phone numbers reach us as Exotel writes them (`09663127355`), as people type them into
 * agents_config.json (`+91 96631-27355`) or as SIP URIs. We compare them in E.164.
 */
export function toE164(raw: string, defaultCountry: CountryCode = "IN"): string | null {
  const trimmed = raw.trim();
  if (trimmed === "" || /^sips?:/i.test(trimmed)) return null;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  return parsed?.isPossible() ? parsed.number : null;
}

/** The key two numbers are matched on: E.164 when it parses, else the lower-cased raw text (SIP URIs). */
export function phoneKey(raw: string, defaultCountry: CountryCode = "IN"): string {
  return toE164(raw, defaultCountry) ?? raw.trim().toLowerCase();
}

/**
 * The spellings one number may be stored under in a help desk (contacts keep whatever a person
 * typed): E.164, without the plus, national with a trunk `0`, the bare national number.
 */
export function phoneSpellings(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return [e164];
  const national = parsed.nationalNumber;
  const spellings = [parsed.number, `${parsed.countryCallingCode}${national}`, `0${national}`, national];
  return [...new Set(spellings)];
}

export function isSupportedPhoneCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

/** Stricter than `toE164`: the number exists in the numbering plan (catches a digit too few in a config file). */
export function isValidPhone(raw: string, defaultCountry: CountryCode = "IN"): boolean {
  return parsePhoneNumberFromString(raw.trim(), defaultCountry)?.isValid() ?? false;
}
