// Topic names and filters (section 4.7). Byte length limits are checked by the encoder.
const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;

/** A topic name a PUBLISH may carry: non-empty, no wildcards [MQTT-4.7.3-1], [MQTT-3.3.2-2]. */
export function isValidTopicName(s: string): boolean {
  if (typeof s !== "string" || s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === PLUS || c === HASH) return false;
  }
  return true;
}

/** A topic filter: non-empty [MQTT-4.7.3-1]; '#' only alone as the last level
 *  [MQTT-4.7.1-2]; '+' only alone in its level [MQTT-4.7.1-3]. */
export function isValidTopicFilter(s: string): boolean {
  if (typeof s !== "string" || s.length === 0) return false;
  const last = s.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = s.charCodeAt(i);
    if (c !== PLUS && c !== HASH) continue;
    if (i > 0 && s.charCodeAt(i - 1) !== SLASH) return false;
    if (c === HASH ? i !== last : i < last && s.charCodeAt(i + 1) !== SLASH) return false;
  }
  return true;
}
