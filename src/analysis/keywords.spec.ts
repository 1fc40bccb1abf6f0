import { describe, expect, it } from "vitest";
import type { Transcript } from "../domain/transcript.js";
import { analyseByKeywords } from "./keywords.js";

function customerSays(...lines: string[]): Transcript {
  return {
    turns: lines.flatMap((text, i) => [
      { speaker: "Agent", startSeconds: i * 10, text: "Namaste, how may I help you?" },
      { speaker: "Customer", startSeconds: i * 10 + 3, text },
    ]),
    durationSeconds: null,
    languages: ["hi", "en"],
  };
}

describe("analyseByKeywords", () => {
  describe("mood", () => {
    it.each([
      ["English, urgent", "This is urgent, someone has done fraud on my account", "Urgent"],
      ["Hinglish, urgent", "Mere account se paise kat gaye, jaldi kuch kariye", "Urgent"],
      ["English, charged twice", "I was charged twice for the same thing", "Urgent"],
      ["English, negative", "My broadband is not working and I am very frustrated", "Negative"],
      ["Hinglish, negative", "Mera router kharab hai, bahut pareshan hoon", "Negative"],
      ["English, positive", "Thank you, it is working now, great service", "Positive"],
      ["Hinglish, positive", "Bahut accha, shukriya aapka", "Positive"],
      ["English, neutral", "I want to know the timings of your store", "Neutral"],
      ["Hinglish, neutral", "Mujhe store ka time jaanna tha", "Neutral"],
    ])("reads %s", (_label, text, mood) => {
      expect(analyseByKeywords(customerSays(text)).mood).toBe(mood);
    });

    it("lets more negative than positive words win", () => {
      expect(analyseByKeywords(customerSays("Thanks, but the problem is still not fixed and this is a bad service")).mood).toBe("Negative");
    });

    it("calls an even mix of praise and complaint positive", () => {
      expect(analyseByKeywords(customerSays("Thanks, there was a problem")).mood).toBe("Positive");
    });

    it("reads the customer's words, not the agent's", () => {
      const transcript: Transcript = {
        turns: [
          { speaker: "Agent", startSeconds: 0, text: "Sorry for the terrible delay, we know it is a problem." },
          { speaker: "Customer", startSeconds: 4, text: "Okay, thank you." },
        ],
        durationSeconds: null,
        languages: ["en"],
      };
      expect(analyseByKeywords(transcript).mood).toBe("Positive");
    });

    it("reads every speaker when the recording was diarised without roles", () => {
      const transcript: Transcript = { turns: [{ speaker: "Speaker 1", startSeconds: 0, text: "This is an EMERGENCY" }], durationSeconds: null, languages: ["en"] };
      expect(analyseByKeywords(transcript).mood).toBe("Urgent");
    });
  });

  describe("concern", () => {
    it.each([
      ["English refund", "I want my money back for the order", "Refund request"],
      ["Hinglish refund", "Mujhe paisa wapas chahiye", "Refund request"],
      ["English payment", "My UPI payment failed but the amount was debited", "Payment issue"],
      ["Hinglish payment", "Paise kat gaye lekin recharge nahi hua", "Payment issue"],
      ["English delivery", "My parcel has not been delivered yet", "Order not delivered"],
      ["English outage", "There is no internet since morning", "Service outage"],
      ["Hinglish outage", "Wifi band hai kal se", "Service outage"],
      ["English installation", "When will the technician come for the setup?", "Installation"],
      ["English billing", "Why is my invoice so high?", "Billing enquiry"],
      ["Hinglish billing", "Yeh plan kitna ka hai?", "Billing enquiry"],
      ["English account access", "I cannot log in, the OTP never arrives", "Account access"],
    ])("recognises %s", (_label, text, concern) => {
      expect(analyseByKeywords(customerSays(text)).concern).toBe(concern);
    });

    it("uses the customer's first sentence when no keyword matches", () => {
      expect(analyseByKeywords(customerSays("What time do you open? I might visit.")).concern).toBe("What time do you open?");
    });

    it("shortens a long first sentence to 60 characters", () => {
      const concern = analyseByKeywords(customerSays("I would like to talk to somebody about something that happened yesterday evening at your store")).concern;
      expect(concern).toBe("I would like to talk to somebody about something that hap...");
      expect(concern.length).toBeLessThanOrEqual(60);
    });

    it("matches whole words only, so a word that merely contains a keyword does not count", () => {
      const result = analyseByKeywords(customerSays("This is a stupid question, what time do you open?"));
      expect(result.concern).toBe("This is a stupid question, what time do you open?");
      expect(result.mood).toBe("Neutral");
    });

    it("says General enquiry when nobody spoke", () => {
      expect(analyseByKeywords({ turns: [], durationSeconds: 5, languages: [] })).toEqual({ concern: "General enquiry", mood: "Neutral", summary: null, source: "keywords" });
    });
  });

  it("marks the analysis as coming from keywords, with no summary", () => {
    const result = analyseByKeywords(customerSays("Refund chahiye, bahut pareshan hoon"));
    expect(result).toEqual({ concern: "Refund request", mood: "Negative", summary: null, source: "keywords" });
  });
});
