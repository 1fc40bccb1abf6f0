import { describe, expect, it } from "vitest";
import { callMarkerTag, findCallMarker } from "./audio-marker.js";

describe("synthetic recording call marker", () => {
  it("reads back the SID written into the ID3 tag, even with audio after it", () => {
    const tag = callMarkerTag("4f1c2a0b9d8e7766554433221100189g");
    expect(tag.subarray(0, 3).toString("latin1")).toBe("ID3");
    expect(findCallMarker(Buffer.concat([tag, Buffer.from([0xff, 0xfb, 0x94, 0xc4]), Buffer.alloc(2000)]))).toBe("4f1c2a0b9d8e7766554433221100189g");
  });

  it("finds nothing in audio without a marker or with the marker past the first kilobytes", () => {
    expect(findCallMarker(Buffer.from("RIFF....WAVEfmt "))).toBeNull();
    expect(findCallMarker(Buffer.concat([Buffer.alloc(8192), callMarkerTag("abc")]))).toBeNull();
    expect(findCallMarker(new Uint8Array())).toBeNull();
  });

  it("refuses a SID that could not be read back", () => {
    expect(() => callMarkerTag("bad sid/1")).toThrow();
  });
});
