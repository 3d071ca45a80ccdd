// Topic filters in 5.0: the 3.1.1 rules (section 4.7), plus Shared Subscriptions (4.8.2),
// whose filters are "$share/{ShareName}/{filter}".
import { isValidTopicFilter } from "../topics";

const SHARE = "$share/";

export function isShared(topicFilter: string): boolean {
  return topicFilter.indexOf(SHARE) === 0;
}

/** A topic filter a SUBSCRIBE or UNSUBSCRIBE may carry: a shared one has a ShareName of at
 *  least one character without "/", "+" or "#" [MQTT-4.8.2-1,2], then "/" and a filter. */
export function isValidTopicFilter5(topicFilter: string): boolean {
  if (!isValidTopicFilter(topicFilter)) return false;
  if (!isShared(topicFilter)) return true;
  const rest = topicFilter.substring(SHARE.length);
  const slash = rest.indexOf("/");
  const name = rest.substring(0, slash);
  return slash > 0 && name.indexOf("+") < 0 && name.indexOf("#") < 0 && rest.length > slash + 1;
}
