import { describe, expect, it } from "vitest";
import { phoneKey, phoneSpellings, toE164 } from "./phone.js";

describe("toE164", () => {
  it.each([
    ["a national number with the trunk 0 (as Exotel writes it)", "09631084471", "+919631084471"],
    ["a bare ten-digit mobile number", "9631084471", "+919631084471"],
    ["an E.164 number", "+919631084471", "+919631084471"],
    ["a number with the country code but no plus", "919631084471", "+919631084471"],
    ["a number with spaces and a dash", "+91 96310-84471", "+919631084471"],
    ["a national number with a space", "096310 84471", "+919631084471"],
    ["a number written with dashes only", "963-108-4471", "+919631084471"],
    ["a number with the country code and spaces but no plus", "91 96310 84471", "+919631084471"],
    ["a number with surrounding whitespace", "  09631084471 ", "+919631084471"],
    ["a Bengaluru landline with its STD code", "08047112233", "+918047112233"],
    ["a spaced landline", "080 4711 2233", "+918047112233"],
    ["a Mumbai landline", "02226591234", "+912226591234"],
    ["a Gurugram landline with a four-digit STD code", "0124 4567890", "+911244567890"],
    ["a US number in E.164", "+14155552671", "+14155552671"],
    ["a UK mobile in E.164", "+447911123456", "+447911123456"],
    ["a foreign number dialled with the international prefix 00", "0014155552671", "+14155552671"],
  ])("normalises %s", (_label, raw, expected) => {
    expect(toE164(raw)).toBe(expected);
  });

  it.each([
    ["a SIP URI", "sip:agent@acme.exotel.com"],
    ["a secure SIP URI in capitals", "SIPS:Agent@acme.exotel.com"],
    ["an empty string", ""],
    ["blank space", "   "],
    ["a number that is too short", "12345"],
    ["text", "anonymous"],
  ])("returns null for %s", (_label, raw) => {
    expect(toE164(raw)).toBeNull();
  });

  it("reads national numbers in the country it is given", () => {
    expect(toE164("4155552671", "US")).toBe("+14155552671");
    expect(toE164("020 7946 0958", "GB")).toBe("+442079460958");
  });
});

describe("phoneKey", () => {
  it("matches every spelling of one number on the same key", () => {
    const spellings = ["09631084471", "9631084471", "+919631084471", "919631084471", "+91 96310-84471", "096310 84471"];
    expect(new Set(spellings.map((s) => phoneKey(s)))).toEqual(new Set(["+919631084471"]));
  });

  it("keys a SIP URI by its trimmed, lower-cased text", () => {
    expect(phoneKey(" sip:Agent@Acme.Exotel.com ")).toBe("sip:agent@acme.exotel.com");
  });
});

describe("phoneSpellings", () => {
  it("lists E.164, country code without plus, national with trunk 0, and the bare national number", () => {
    expect(phoneSpellings("+919631084471")).toEqual(["+919631084471", "919631084471", "09631084471", "9631084471"]);
  });

  it("spells a landline the same four ways", () => {
    expect(phoneSpellings("+918047112233")).toEqual(["+918047112233", "918047112233", "08047112233", "8047112233"]);
  });

  it("returns text that is not a phone number unchanged", () => {
    expect(phoneSpellings("sip:agent@acme.exotel.com")).toEqual(["sip:agent@acme.exotel.com"]);
  });

  it("lists each spelling once", () => {
    const spellings = phoneSpellings("+14155552671");
    expect(new Set(spellings).size).toBe(spellings.length);
    expect(spellings.slice(0, 2)).toEqual(["+14155552671", "14155552671"]);
  });
});
