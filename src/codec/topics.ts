// Topic names and filters (section 4.7). Byte length limits are checked by the encoder.
// No RegExp: a version with regular expressions broke the bundle on Espruino 2v29 (after the
// first subscribe, a module-level function of the bundle was found to be a string); the cause was
// not pinned down, and these loops are about as small.

import { badArgument } from "./errors";

/** A topic name a PUBLISH may carry: non-empty, no wildcards [MQTT-4.7.3-1], [MQTT-3.3.2-2]. */
export function isValidTopicName(s: string): boolean {
  return typeof s == "string" && s > "" && s.indexOf("+") < 0 && s.indexOf("#") < 0;
}

/** A topic filter: non-empty [MQTT-4.7.3-1]; a wildcard is a level of its own
 *  [MQTT-4.7.1-3], and '#' is the last level [MQTT-4.7.1-2]. */
export function isValidTopicFilter(s: string): boolean {
  if (!(typeof s == "string" && s > "")) return false;
  const levels = s.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    // Other than "#" and "+", a level is empty or a topic name's level: no wildcards.
    if (level === "#" ? i < levels.length - 1 : level && level !== "+" && !isValidTopicName(level)) return false;
  }
  return true;
}

/** BAD_ARGUMENT naming the topic and what is wrong with it (`what`: "topic", "will topic",
 *  "topic filter"). The message is made only here, when refusing: not on the good path. */
export function badTopic(what: string, s: unknown, filter?: boolean): Error {
  // (a filter: a "#" before its last character is not last; any other fault is a wildcard in a level)
  const why =
    typeof s != "string" ? "not a string" : !s ? "empty" : !filter ? "+ and # are for subscribing" : s.slice(0, -1).indexOf("#") >= 0 ? '"#" must be last' : "+ and # must be whole levels";
  return badArgument("bad " + what + " " + JSON.stringify(s) + ": " + why);
}
