import { describe, expect, it } from "vitest";
import {
  formatIst,
  formatIstDay,
  formatIstReadable,
  IST_EPOCH_PLACEHOLDER,
  istMonthsBefore,
  parseIst,
  parseIstDate,
  startOfIstDayAtOrAfter,
} from "./ist-time.js";

describe("parseIst", () => {
  it.each([
    ["a morning call", "2025-11-20 09:41:05", "2025-11-20T04:11:05.000Z"],
    ["a time just after IST midnight (the UTC day before)", "2025-11-20 00:10:00", "2025-11-19T18:40:00.000Z"],
    ["05:30 IST, which is UTC midnight", "2025-11-20 05:30:00", "2025-11-20T00:00:00.000Z"],
    ["the first minutes of a month (UTC is still in the last month)", "2025-12-01 02:00:00", "2025-11-30T20:30:00.000Z"],
    ["New Year in IST (UTC is still in the old year)", "2026-01-01 00:00:00", "2025-12-31T18:30:00.000Z"],
    ["1 March in a leap year (UTC is on 29 February)", "2024-03-01 01:00:00", "2024-02-29T19:30:00.000Z"],
    ["a T separator", "2025-11-20T09:41:05", "2025-11-20T04:11:05.000Z"],
    ["surrounding whitespace", " 2025-11-20 09:41:05 ", "2025-11-20T04:11:05.000Z"],
  ])("reads %s", (_label, text, iso) => {
    expect(parseIst(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ["an empty string", ""],
    ["a time without seconds", "2025-11-20 09:41"],
    ["a single-digit hour", "2025-11-20 9:41:05"],
    ["an ISO time with a zone", "2025-11-20T09:41:05Z"],
    ["a day-first date", "20-11-2025 09:41:05"],
    ["a day that does not exist", "2025-02-30 10:00:00"],
    ["a month that does not exist", "2025-13-01 10:00:00"],
    ["hour 24", "2025-11-20 24:00:00"],
  ])("returns null for %s", (_label, text) => {
    expect(parseIst(text)).toBeNull();
  });

  it("reads Exotel's placeholder as the Unix epoch", () => {
    expect(IST_EPOCH_PLACEHOLDER).toBe("1970-01-01 05:30:00");
    expect(parseIst(IST_EPOCH_PLACEHOLDER)?.getTime()).toBe(0);
  });
});

describe("formatIst", () => {
  it.each([
    ["2025-11-20T04:11:05.000Z", "2025-11-20 09:41:05"],
    ["2025-11-19T18:30:00.000Z", "2025-11-20 00:00:00"],
    ["2025-11-30T20:30:00.000Z", "2025-12-01 02:00:00"],
    ["2025-12-31T18:29:59.000Z", "2025-12-31 23:59:59"],
    ["2025-12-31T18:30:00.000Z", "2026-01-01 00:00:00"],
    ["2024-02-29T19:30:00.000Z", "2024-03-01 01:00:00"],
    ["2025-02-28T18:30:00.000Z", "2025-03-01 00:00:00"],
  ])("writes %s as %s in IST", (iso, text) => {
    expect(formatIst(new Date(iso))).toBe(text);
  });

  it("writes the Unix epoch as Exotel's placeholder", () => {
    expect(formatIst(new Date(0))).toBe(IST_EPOCH_PLACEHOLDER);
  });

  it.each(["2025-11-20 09:41:05", "2025-12-31 23:59:59", "2026-01-01 00:00:00", "2024-02-29 12:00:00", "2025-06-30 18:30:00"])(
    "round-trips %s through parseIst",
    (text) => {
      expect(formatIst(parseIst(text)!)).toBe(text);
    },
  );

  it("round-trips an instant through formatIst and parseIst to the second", () => {
    const instant = new Date("2025-07-31T19:45:17.000Z");
    expect(parseIst(formatIst(instant))?.getTime()).toBe(instant.getTime());
  });
});

describe("formatIstReadable", () => {
  it.each([
    ["2025-11-20T04:11:05.000Z", "20 Nov 2025, 9:41 AM IST"],
    ["2025-11-19T18:30:00.000Z", "20 Nov 2025, 12:00 AM IST"],
    ["2025-11-20T06:30:00.000Z", "20 Nov 2025, 12:00 PM IST"],
    ["2025-11-20T13:05:00.000Z", "20 Nov 2025, 6:35 PM IST"],
    ["2025-12-31T18:45:00.000Z", "1 Jan 2026, 12:15 AM IST"],
  ])("writes %s as %s", (iso, text) => {
    expect(formatIstReadable(new Date(iso))).toBe(text);
  });
});

describe("parseIstDate", () => {
  it("reads a date as the start of that day in IST", () => {
    expect(parseIstDate("2025-11-20")?.toISOString()).toBe("2025-11-19T18:30:00.000Z");
  });

  it("reads the first of a month as the evening before in UTC", () => {
    expect(parseIstDate("2025-03-01")?.toISOString()).toBe("2025-02-28T18:30:00.000Z");
  });

  it.each([
    ["a date with a time", "2025-11-20 00:00:00"],
    ["a day-first date", "20-11-2025"],
    ["a month that does not exist", "2025-13-01"],
    ["a day that does not exist", "2025-04-31"],
    ["an empty string", ""],
  ])("returns null for %s", (_label, text) => {
    expect(parseIstDate(text)).toBeNull();
  });
});

describe("formatIstDay", () => {
  it("writes the IST day, which is the next UTC day from 6:30 PM UTC", () => {
    expect(formatIstDay(new Date("2026-10-31T18:30:00.000Z"))).toBe("2026-11-01");
    expect(formatIstDay(new Date("2026-10-31T18:29:59.000Z"))).toBe("2026-10-31");
  });
});

describe("istMonthsBefore", () => {
  it.each([
    ["the same wall clock six months back", "2026-11-25 08:00:00", "2026-05-25 08:00:00"],
    ["across a year", "2026-03-15 23:30:00", "2025-09-15 23:30:00"],
    ["a day the month lacks, run on into the next month", "2026-08-31 10:00:00", "2026-03-03 10:00:00"],
    ["an IST day that is still the day before in UTC", "2026-12-01 02:00:00", "2026-06-01 02:00:00"],
  ])("gives %s", (_label, from, to) => {
    expect(formatIst(istMonthsBefore(parseIst(from)!, 6))).toBe(to);
  });
});

describe("startOfIstDayAtOrAfter", () => {
  it("moves a moment on to the next IST midnight", () => {
    expect(formatIst(startOfIstDayAtOrAfter(parseIst("2026-05-26 08:00:00")!))).toBe("2026-05-27 00:00:00");
  });

  it("leaves an IST midnight where it is", () => {
    expect(formatIst(startOfIstDayAtOrAfter(parseIst("2026-05-26 00:00:00")!))).toBe("2026-05-26 00:00:00");
  });
});
