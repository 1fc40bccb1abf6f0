import { describe, expect, it } from "vitest";
import { deriveAnalysis } from "./derive-analysis.js";
import { fitToSchema } from "./fit-schema.js";

const now = () => Date.UTC(2026, 2, 1, 9, 15);
const derived = deriveAnalysis("Customer: I want a refund immediately, please call me back.");

describe("fitToSchema", () => {
  it("keeps exactly the required properties, in the schema's order", () => {
    const schema = {
      type: "object",
      properties: { summary: { type: "string" }, concern: { type: "string" } },
      required: ["summary", "concern"],
      additionalProperties: false,
    };
    const fitted = fitToSchema(schema, { concern: "Refund", mood: "Urgent", summary: "Wants money back.", agent: "Asha" }, derived, now);
    expect(Object.keys(fitted)).toEqual(["summary", "concern"]);
    expect(fitted).toEqual({ summary: "Wants money back.", concern: "Refund" });
  });

  it.each([
    ["exact", "Urgent", "Urgent"],
    ["another case", "negative", "Negative"],
    ["a synonym", "frustrated", "Negative"],
    ["a synonym of urgent", "furious", "Urgent"],
    ["a word it cannot place (falls back to the transcript's mood)", "puzzled", "Urgent"],
  ])("maps a registered mood given as %s onto the enum", (_case, mood, expected) => {
    const schema = {
      type: "object",
      properties: { mood: { type: "string", enum: ["Positive", "Neutral", "Negative", "Urgent"] } },
      required: ["mood"],
      additionalProperties: false,
    };
    expect(fitToSchema(schema, { mood }, derived, now)).toEqual({ mood: expected });
  });

  it("follows $ref, picks anyOf branches and fills unknown properties by type", () => {
    const schema = {
      type: "object",
      properties: {
        priority: { $ref: "#/definitions/Priority" },
        callback_requested: { type: "boolean" },
        follow_up_at: { anyOf: [{ type: "string", format: "date-time" }, { type: "null" }] },
        score: { type: "integer", minimum: 1 },
        tags: { type: "array", items: { type: "string" } },
        caller: { type: "object", properties: { name: { type: ["string", "null"] } }, required: ["name"], additionalProperties: false },
        kind: { const: "call" },
      },
      required: ["priority", "callback_requested", "follow_up_at", "score", "tags", "caller", "kind"],
      additionalProperties: false,
      definitions: { Priority: { type: "string", enum: ["Low", "Medium", "High", "Critical"] } },
    };
    expect(fitToSchema(schema, {}, derived, now)).toEqual({
      priority: "Critical",
      callback_requested: true,
      follow_up_at: null,
      score: 1,
      tags: [],
      caller: { name: null },
      kind: "call",
    });
  });

  it("replaces a registered value of the wrong type", () => {
    const schema = { type: "object", properties: { summary: { type: "string" } }, required: ["summary"], additionalProperties: false };
    expect(fitToSchema(schema, { summary: 42 }, derived, now)).toEqual({ summary: derived.summary });
  });
});

describe("deriveAnalysis", () => {
  it.each([
    ["Customer: My internet is not working again.", "Internet connectivity problem", "Negative"],
    ["Customer: Someone did a fraud on my UPI, block it immediately!", "Payment issue", "Urgent"],
    ["Customer: Thank you so much, the delivery arrived and all is resolved.", "Order delivery issue", "Positive"],
    ["Customer: I would like to know the price of the yearly plan.", "Pricing enquiry", "Neutral"],
    ["Customer: Mera naam Ravi hai aur mujhe jankari chahiye.", "Mera naam Ravi hai aur mujhe jankari chahiye", "Neutral"],
    ["Agent: Hello?", "General enquiry", "Neutral"],
  ])("reads %j as %s / %s", (transcript, concern, mood) => {
    expect(deriveAnalysis(transcript)).toMatchObject({ concern, mood });
  });

  it("looks only at the customer's lines when speakers are labelled", () => {
    expect(deriveAnalysis("Agent: This is urgent for us too, sorry.\nCustomer: Just checking my bill.").mood).toBe("Neutral");
  });
});
