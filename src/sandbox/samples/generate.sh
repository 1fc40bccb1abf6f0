#!/usr/bin/env bash
#
# generate.sh: rebuilds the sample call recordings of the sandbox from the call scripts below,
# and writes recordings.ts (the utterance timings, durations and call metadata that manifest.ts
# exports as SAMPLE_CALLS).
#
# The calls are synthetic: two text-to-speech voices (agent and customer) read a short support
# conversation, with a pause between turns, a little line noise and a telephone band (300-3400 Hz).
# Dual-channel calls put the agent on the left channel and the customer on the right, as
# Exotel's dual-channel recordings do; the others are mono, as a plain call recording is.
#
# Needs: bash, awk, espeak-ng, sox with its MP3 format handler (soxi comes with sox) and lame.
#   Debian/Ubuntu: apt-get install -y espeak-ng sox libsox-fmt-mp3 lame
#
# Run:   bash src/sandbox/samples/generate.sh     (from any directory; it writes next to itself)
#
# Idempotent: every run replaces all the files it makes and nothing else, and the same tool
# versions give byte-identical files (noise and dither are seeded), so a rerun leaves git clean.
# After changing a script, run it, then `npx vitest run src/sandbox/samples` and commit the
# .mp3 files together with recordings.ts.
#
# Timings in recordings.ts are counted in samples on the rendered turns, plus the fixed delay
# MP3 decoding adds (DECODER_DELAY below), so they hold for the decoded audio to the hundredth
# of a second. durationSeconds is what `soxi -D` reports for the MP3: its whole frames.

set -euo pipefail
export LC_NUMERIC=C

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

for tool in espeak-ng sox soxi lame awk; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "generate.sh: '$tool' is missing; on Debian/Ubuntu: apt-get install -y espeak-ng sox libsox-fmt-mp3 lame" >&2
    exit 1
  fi
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/out" # finished files, moved here only once every call has rendered

# -R: seeded random numbers (noise, dither), so the same input gives the same output.
SOX=(sox -R -V1)

# ---------------------------------------------------------------------------------------------
# Voices: "<English voice> <Hindi voice> <words per minute> <pitch 0-99>".
# Hinglish lines are read by the Hindi voice from their Devanagari spelling, which switches to
# English for the English words in them, the way Hinglish is spoken.
# ---------------------------------------------------------------------------------------------
voice_of() {
  case "$1" in
    PRATEEK) echo "en-gb+m3 hi+m3 168 42" ;;   # agent, Customer Success
    ANANYA)  echo "en-gb+f3 hi+f3 172 64" ;;   # agent, Billing
    RAJESH)  echo "en-us+m1 hi+m1 180 30" ;;
    SNEHA)   echo "en-us+f4 hi+f4 190 72" ;;
    VIKRAM)  echo "en-us+m7 hi+m7 172 36" ;;
    LATA)    echo "en-gb+f2 hi+f2 165 58" ;;
    ARJUN)   echo "en-us+m5 hi+m5 172 50" ;;
    POOJA)   echo "en-us+f1 hi+f1 178 60" ;;
    *) echo "generate.sh: unknown voice $1" >&2; exit 1 ;;
  esac
}

# Pauses between turns (seconds), used in turn; the line needs a moment between speakers.
PAUSES=(0.55 0.70 0.45 0.80 0.60 0.50 0.75 0.65)
LEAD_IN=0.60   # before the first word: the call has just connected
TAIL=0.80      # after the last word, before the hang-up

# MP3 decoders play these files this many samples later than the audio that went in: the
# encoder's delay (576) plus the decoder's (529). Files at such low bitrates have frames too
# small for the tag that lets players trim it, so every decoder keeps it, and the timings in
# recordings.ts include it.
DECODER_DELAY=1105

# ---------------------------------------------------------------------------------------------
# Plumbing
# ---------------------------------------------------------------------------------------------

ts_string() { # a TypeScript string literal
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

seconds() { # samples rate -> seconds with two decimals
  awk -v n="$1" -v r="$2" 'BEGIN { printf "%.2f", n / r }'
}

byte() { # n -> that byte on stdout
  printf "\\$(printf '%03o' "$1")"
}

id3_title() { # title (ASCII) -> a minimal ID3v2.3 tag holding it as TIT2, on stdout
  local title=$1
  local frame=$((1 + ${#title})) # text encoding byte + text
  local size=$((10 + frame))     # one frame: 10-byte frame header + content
  printf 'ID3'; byte 3; byte 0; byte 0
  byte $(((size >> 21) & 127)); byte $(((size >> 14) & 127)); byte $(((size >> 7) & 127)); byte $((size & 127))
  printf 'TIT2'
  byte $(((frame >> 24) & 255)); byte $(((frame >> 16) & 255)); byte $(((frame >> 8) & 255)); byte $((frame & 255))
  byte 0; byte 0; byte 0
  printf '%s' "$title"
}

silence_wav() { # out seconds
  "${SOX[@]}" -r "$RATE" -c "$CHANNELS" -n -b 16 "$1" trim 0 "$2"
}

# State of the call being written.
ID="" TITLE="" FILE="" CHANNELS=1 RATE=16000 BITRATE=32 DIRECTION="" CUSTOMER="" AGENT=""
AGENT_VOICE="" CUSTOMER_VOICE="" CONCERN="" MOOD="" SUMMARY=""
PARTS=() CURSOR=0 TURN=0 UTTERANCES=() SPEAKERS=""
ENTRIES=()

# call <id> key=value...: starts a call. Keys: title, channels (1|2), rate (Hz), bitrate (kbps),
# direction (inbound|outbound), customer, agent (numbers), agent_voice, customer_voice.
call() {
  ID=$1; shift
  TITLE="" CHANNELS=1 RATE=16000 BITRATE=32 DIRECTION="" CUSTOMER="" AGENT="" AGENT_VOICE="" CUSTOMER_VOICE=""
  CONCERN="" MOOD="" SUMMARY=""
  local kv
  for kv in "$@"; do
    case "$kv" in
      title=*) TITLE=${kv#*=} ;;
      channels=*) CHANNELS=${kv#*=} ;;
      rate=*) RATE=${kv#*=} ;;
      bitrate=*) BITRATE=${kv#*=} ;;
      direction=*) DIRECTION=${kv#*=} ;;
      customer=*) CUSTOMER=${kv#*=} ;;
      agent=*) AGENT=${kv#*=} ;;
      agent_voice=*) AGENT_VOICE=${kv#*=} ;;
      customer_voice=*) CUSTOMER_VOICE=${kv#*=} ;;
      *) echo "generate.sh: $ID: unknown setting $kv" >&2; exit 1 ;;
    esac
  done
  FILE="$ID.mp3"
  PARTS=() TURN=0 UTTERANCES=() SPEAKERS=""
  mkdir -p "$WORK/$ID"
  silence_wav "$WORK/$ID/lead.wav" "$LEAD_IN"
  PARTS+=("$WORK/$ID/lead.wav")
  CURSOR=$(soxi -s "$WORK/$ID/lead.wav")
}

# expect <concern> <mood> <summary>: what a good analysis of the call says.
expect() {
  CONCERN=$1 MOOD=$2 SUMMARY=$3
}

# say <agent|customer> <en|hi> <text as a transcript shows it> [<text as spoken>]
say() {
  local role=$1 lang=$2 text=$3 spoken=${4:-$3}
  local who voice en hi speed pitch
  if [[ $role == agent ]]; then who=$AGENT_VOICE; else who=$CUSTOMER_VOICE; fi
  read -r en hi speed pitch <<<"$(voice_of "$who")"
  if [[ $lang == hi ]]; then voice=$hi; else voice=$en; fi

  if ((TURN > 0)); then
    local pause="$WORK/$ID/pause-$TURN.wav"
    silence_wav "$pause" "${PAUSES[$(((TURN - 1) % ${#PAUSES[@]}))]}"
    PARTS+=("$pause")
    CURSOR=$((CURSOR + $(soxi -s "$pause")))
  fi

  local raw="$WORK/$ID/raw-$TURN.wav" seg="$WORK/$ID/turn-$TURN.wav"
  printf '%s' "$spoken" | espeak-ng -b 1 -v "$voice" -s "$speed" -p "$pitch" --stdin -w "$raw"
  # Mono at the call's rate, silence trimmed at both ends so the segment is the speech itself,
  # levels evened out; on a dual-channel call the agent goes left and the customer right.
  local place=()
  if ((CHANNELS == 2)); then
    if [[ $role == agent ]]; then place=(remix 1 0); else place=(remix 0 1); fi
  fi
  "${SOX[@]}" "$raw" -b 16 "$seg" \
    silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse \
    rate -v "$RATE" gain -n -4 ${place[@]+"${place[@]}"}
  local length
  length=$(soxi -s "$seg")
  PARTS+=("$seg")

  local speaker
  case "$SPEAKERS" in
    "") SPEAKERS=$role; speaker=0 ;;
    "$role"*) speaker=0 ;;
    *,"$role") speaker=1 ;;
    *) SPEAKERS="$SPEAKERS,$role"; speaker=1 ;;
  esac
  local channel=0
  if ((CHANNELS == 2)) && [[ $role == customer ]]; then channel=1; fi

  local start=$((CURSOR + DECODER_DELAY)) end=$((CURSOR + length + DECODER_DELAY))
  UTTERANCES+=("      { speaker: $speaker, channel: $channel, role: \"$role\", start: $(seconds "$start" "$RATE"), end: $(seconds "$end" "$RATE"), language: \"$lang\", text: $(ts_string "$text") },")
  CURSOR=$((CURSOR + length))
  TURN=$((TURN + 1))
}

# finish: joins the turns, adds line noise and the telephone band, encodes the MP3, records the entry.
finish() {
  local dir="$WORK/$ID"
  silence_wav "$dir/tail.wav" "$TAIL"
  PARTS+=("$dir/tail.wav")
  "${SOX[@]}" "${PARTS[@]}" "$dir/speech.wav"
  encode "$dir/speech.wav" 0.01
}

# silent_call: a call whose recording is line noise only (nobody spoke).
silent_call() {
  local seconds=$1 dir="$WORK/$ID"
  silence_wav "$dir/speech.wav" "$seconds"
  encode "$dir/speech.wav" 0.012
}

encode() { # speech.wav noise-level
  local speech=$1 level=$2 dir="$WORK/$ID"
  local samples
  samples=$(soxi -s "$speech")
  "${SOX[@]}" -r "$RATE" -c "$CHANNELS" -n -b 16 "$dir/noise.wav" synth "${samples}s" pinknoise vol "$level"
  local mode=m
  if ((CHANNELS == 2)); then mode=s; fi
  "${SOX[@]}" -m -v 1 "$speech" -v 1 "$dir/noise.wav" -b 16 "$dir/call.wav" sinc 300-3400
  lame --quiet --cbr -b "$BITRATE" -m "$mode" --noreplaygain "$dir/call.wav" "$dir/audio.mp3"
  { id3_title "$TITLE"; cat "$dir/audio.mp3"; } >"$WORK/out/$FILE"

  local duration
  duration=$(awk -v d="$(soxi -D "$WORK/out/$FILE")" 'BEGIN { printf "%.3f", d }')
  local entry
  entry=$(
    printf '  {\n'
    printf '    id: %s,\n' "$(ts_string "$ID")"
    printf '    title: %s,\n' "$(ts_string "$TITLE")"
    printf '    file: %s,\n' "$(ts_string "$FILE")"
    printf '    channels: %s,\n' "$CHANNELS"
    printf '    sampleRateHz: %s,\n' "$RATE"
    printf '    durationSeconds: %s,\n' "$duration"
    printf '    direction: "%s",\n' "$DIRECTION"
    printf '    customerNumber: %s,\n' "$(ts_string "$CUSTOMER")"
    printf '    agentNumber: %s,\n' "$(ts_string "$AGENT")"
    printf '    expectedAnalysis: {\n'
    printf '      concern: %s,\n' "$(ts_string "$CONCERN")"
    printf '      mood: "%s",\n' "$MOOD"
    printf '      summary: %s,\n' "$(ts_string "$SUMMARY")"
    printf '    },\n'
    if ((${#UTTERANCES[@]} == 0)); then
      printf '    utterances: [],\n'
    else
      printf '    utterances: [\n'
      printf '%s\n' "${UTTERANCES[@]}"
      printf '    ],\n'
    fi
    printf '  },'
  )
  ENTRIES+=("$entry")
  echo "$FILE: ${CHANNELS} channel(s), ${duration} s, $(wc -c <"$WORK/out/$FILE" | tr -d ' ') bytes"
}

# ---------------------------------------------------------------------------------------------
# The calls. Agents: Prateek (Customer Success, 09631084471) and Ananya (Billing, 09845012345),
# as in SAMPLE_AGENTS (manifest.ts). Customers' numbers are made up.
# ---------------------------------------------------------------------------------------------

call order-not-delivered title="Range extender order not delivered (Hinglish)" \
  channels=1 rate=16000 bitrate=24 direction=inbound customer=09876543210 agent=09631084471 \
  agent_voice=PRATEEK customer_voice=RAJESH
expect "Order not delivered" Negative \
  "The customer's range extender order is five days late; the agent found a courier delay, promised delivery by tomorrow and registered a complaint."
say agent hi "Namaste, SwiftNet support se Prateek bol raha hoon. Bataiye, kya madad karoon?" \
  "नमस्ते, SwiftNet support से प्रतीक बोल रहा हूँ। बताइए, क्या मदद करूँ?"
say customer hi "Haan ji, mera range extender ka order abhi tak nahi aaya. Paanch din ho gaye, please check karo." \
  "हाँ जी, मेरा range extender का order अभी तक नहीं आया। पाँच दिन हो गए, please check करो।"
say agent hi "Zaroor. Aapka order number bata dijiye." \
  "ज़रूर। आपका order number बता दीजिए।"
say customer hi "Order number four five seven one two hai." \
  "Order number four five seven one two है।"
say agent hi "Courier mein thoda delay hai. Aapka parcel kal tak deliver ho jayega." \
  "Courier में थोड़ा delay है। आपका parcel कल तक deliver हो जाएगा।"
say customer hi "Yeh bahut pareshan karne wala hai. Kal tak nahi aaya toh main cancel kar dunga." \
  "यह बहुत परेशान करने वाला है। कल तक नहीं आया तो मैं cancel कर दूँगा।"
say agent hi "Samajh sakta hoon, sir. Complaint darj kar di hai, SMS par update milega." \
  "समझ सकता हूँ, sir। Complaint दर्ज कर दी है, SMS पर update मिलेगा।"
finish

call upi-double-charge title="Broadband bill paid by UPI, charged twice" \
  channels=2 rate=16000 bitrate=32 direction=inbound customer=09812345678 agent=09845012345 \
  agent_voice=ANANYA customer_voice=SNEHA
expect "UPI payment charged twice" Urgent \
  "The customer's UPI payment of 1,499 rupees for the broadband bill was debited twice; the agent confirmed the duplicate, started a refund and marked it urgent."
say agent en "Good afternoon, SwiftNet billing, this is Ananya. How may I help you?"
say customer en "I paid my broadband bill by UPI this morning and I have been charged twice. Fourteen ninety nine, two times!"
say agent en "Sorry about that. What are the last four digits of the transaction ID?"
say customer en "Three three nine one. Please fix this immediately, I need that money."
say agent en "I can see both debits. I am starting a refund for the duplicate now."
say customer en "This is urgent. How long will it take?"
say agent en "I have marked it urgent. It will reach your account within one working day."
finish

call broadband-down title="Broadband down for two days" \
  channels=2 rate=16000 bitrate=32 direction=inbound customer=09988776655 agent=09631084471 \
  agent_voice=PRATEEK customer_voice=VIKRAM
expect "Broadband down for two days" Negative \
  "The customer's broadband has been down for two days; the agent traced it to a fibre cut due to be repaired by evening and promised a technician's call if it is not."
say agent en "SwiftNet support, Prateek speaking. How can I help?"
say customer en "My broadband has been down for two days. The light is red and the internet is not working at all."
say agent en "Sorry to hear that. May I have your customer ID, please?"
say customer en "S N four four eight two zero."
say agent en "Thank you. There is a fibre cut in your area. It should be fixed by this evening."
say customer en "I work from home! I called yesterday also and nobody told me this. Very disappointed."
say agent en "I understand. If it is not back by six p m, a technician will call you."
finish

call installation-confirmed title="Installation follow-up, customer happy" \
  channels=1 rate=16000 bitrate=24 direction=outbound customer=09123456789 agent=09631084471 \
  agent_voice=PRATEEK customer_voice=LATA
expect "Installation follow-up" Positive \
  "The agent called to check on yesterday's broadband installation; the customer said it works perfectly and praised the technician."
say customer en "Hello?"
say agent en "Hello, this is Prateek from SwiftNet. Our technician set up your new connection yesterday. Is everything working fine?"
say customer en "Yes, everything is perfect. The technician came on time and was very polite. The speed is great."
say agent en "That is wonderful to hear. Does the signal reach all your rooms?"
say customer en "Yes, all the rooms. Thank you for calling, I am very happy with the installation."
say agent en "Thank you for choosing SwiftNet. Have a great day!"
finish

call plan-enquiry title="Plan and price enquiry (Hinglish)" \
  channels=1 rate=16000 bitrate=24 direction=inbound customer=08899001122 agent=09845012345 \
  agent_voice=ANANYA customer_voice=ARJUN
expect "Broadband plan prices" Neutral \
  "A prospective customer asked the price of the 100 Mbps plan and about an annual discount, and will call back after deciding."
say agent hi "Namaste, SwiftNet se Ananya bol rahi hoon. Bataiye, main kaise madad karoon?" \
  "नमस्ते, SwiftNet से अनन्या बोल रही हूँ। बताइए, मैं कैसे मदद करूँ?"
say customer hi "Namaste. Mujhe ghar ke liye naya plan lena hai. Hundred Mbps wala plan kitne ka hai?" \
  "नमस्ते। मुझे घर के लिए नया plan लेना है। Hundred Mbps वाला plan कितने का है?"
say agent hi "Hundred Mbps plan saat sau ninyaanve rupaye mahina hai, GST alag se. Installation free hai." \
  "Hundred Mbps plan सात सौ निन्यानवे रुपये महीना है, GST अलग से। Installation free है।"
say customer hi "Accha. Aur agar main saal bhar ka ek saath doon, toh koi discount milega?" \
  "अच्छा। और अगर मैं साल भर का एक साथ दूँ, तो कोई discount मिलेगा?"
say agent hi "Haan ji, saalana plan par ek mahina free milta hai." \
  "हाँ जी, सालाना plan पर एक महीना free मिलता है।"
say customer hi "Theek hai. Main ghar par baat karke kal call karta hoon." \
  "ठीक है। मैं घर पर बात करके कल call करता हूँ।"
say agent hi "Bilkul. Main aapko plan ki details SMS kar deti hoon. Dhanyavaad." \
  "बिल्कुल। मैं आपको plan की details SMS कर देती हूँ। धन्यवाद।"
finish

call damaged-modem title="New modem arrived damaged (Hinglish)" \
  channels=2 rate=16000 bitrate=32 direction=inbound customer=07012345678 agent=09631084471 \
  agent_voice=PRATEEK customer_voice=POOJA
expect "Modem delivered damaged" Negative \
  "The customer's new modem arrived with a broken body and does not switch on; the agent approved a replacement to be delivered in two days."
say agent hi "SwiftNet support, Prateek bol raha hoon. Kahiye?" \
  "SwiftNet support, प्रतीक बोल रहा हूँ। कहिए?"
say customer hi "Ji, kal aapka naya modem mila. Box khola toh uski body tooti hui thi, aur woh on bhi nahi ho raha." \
  "जी, कल आपका नया modem मिला। Box खोला तो उसकी body टूटी हुई थी, और वह on भी नहीं हो रहा।"
say agent hi "Maafi chahta hoon. Kya aap modem ki photo WhatsApp kar sakti hain?" \
  "माफ़ी चाहता हूँ। क्या आप modem की photo WhatsApp कर सकती हैं?"
say customer hi "Bhej di hai. Yeh bilkul kharab hai, mujhe replacement chahiye." \
  "भेज दी है। यह बिल्कुल खराब है, मुझे replacement चाहिए।"
say agent hi "Photo mil gayi. Replacement approve ho gaya hai, parson tak naya modem aa jayega." \
  "Photo मिल गई। Replacement approve हो गया है, परसों तक नया modem आ जाएगा।"
say customer hi "Theek hai, lekin is baar dhyan se pack karna." \
  "ठीक है, लेकिन इस बार ध्यान से pack करना।"
finish

call no-speech title="Call with no speech (line noise only)" \
  channels=1 rate=8000 bitrate=16 direction=inbound customer=08123456789 agent=09631084471
expect "No speech detected" Neutral \
  "The recording holds only a few seconds of line noise, so there is nothing to analyse."
silent_call 6

# ---------------------------------------------------------------------------------------------
# recordings.ts
# ---------------------------------------------------------------------------------------------
{
  echo "// Generated by generate.sh from the call scripts in it: do not edit by hand; change the"
  echo "// script and run it again. Times are in seconds from the start of the recording."
  echo 'import type { SampleCall } from "./manifest.js";'
  echo
  echo "export const RECORDINGS: readonly SampleCall[] = ["
  printf '%s\n' "${ENTRIES[@]}"
  echo "];"
} >"$WORK/out/recordings.ts"
mv -f "$WORK/out/"* "$HERE/"
echo "recordings.ts: ${#ENTRIES[@]} calls"
